"""The application layer: what a front end (the command line, the browser app, a batch) runs, read → score → check → write, over the library layers below it."""
