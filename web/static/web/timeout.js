// GOV.UK's timeout warning: two minutes before a session would end for want of use, a dialog
// says so and offers to stay signed in. The server decides regardless (it signs out a session
// idle for SESSION_IDLE_MINUTES), so without this script nothing is lost but the warning.
const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const warnSeconds = Math.min(Number(dialog.dataset.warnSeconds), idleSeconds - 1);
  const countdown = dialog.querySelector(".waymark-timeout__countdown");
  const stay = dialog.querySelector("[data-timeout-continue]");
  const csrf = dialog.querySelector("input[name='csrfmiddlewaretoken']");
  let warnTimer = 0;
  let endTimer = 0;
  let tickTimer = 0;
  let endsAt = 0;

  const say = (seconds) => {
    const minutes = Math.ceil(seconds / 60);
    countdown.textContent = seconds > 60
      ? `${minutes} minutes`
      : `${Math.max(seconds, 0)} second${seconds === 1 ? "" : "s"}`;
  };

  const signedOut = () => {
    // The next request finds the session idle and signs it out with a message.
    window.location.assign(dialog.dataset.signedOutUrl);
  };

  const warn = () => {
    say(Math.round((endsAt - Date.now()) / 1000));
    dialog.showModal();
    stay.focus();
    tickTimer = window.setInterval(() => say(Math.round((endsAt - Date.now()) / 1000)), 1000);
  };

  const start = () => {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(tickTimer);
    endsAt = Date.now() + idleSeconds * 1000;
    warnTimer = window.setTimeout(warn, (idleSeconds - warnSeconds) * 1000);
    // A moment after the server's limit, so that the next request is past it.
    endTimer = window.setTimeout(signedOut, (idleSeconds + 2) * 1000);
  };

  stay.addEventListener("click", async () => {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      });
      if (!response.ok) {
        signedOut();
        return;
      }
    } catch {
      return; // offline: keep the warning up; the server decides in the end
    }
    dialog.close();
    start();
  });
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: the dialog stays until the person chooses
  });

  start();
}
