// perfscore serve: the only script of the pages. It polls a batch job's progress; every
// other page works with plain forms (and without this script).
"use strict";
(function () {
  const box = document.getElementById("job");
  if (!box || box.dataset.state !== "running") return;
  const bar = document.getElementById("job-bar");
  const message = document.getElementById("job-message");
  async function poll() {
    const response = await fetch("/api/jobs/" + box.dataset.job, { headers: { Accept: "application/json" } });
    const job = await response.json();
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    message.textContent = job.message || "正在读取……";
    box.dataset.state = job.state;
    if (job.state === "running") { setTimeout(poll, 1000); return; }
    if (job.state === "done") { document.getElementById("job-done").hidden = false; }
  }
  setTimeout(poll, 500);
})();
