"""perfscore serve: the browser app over a workspace database (see docs/serve.md)."""
