// The classroom view (课堂投影): one screen at a time, a countdown per part
// started and paused by the teacher, moved by keys (arrows, PageUp/PageDown
// as presenter clickers send them), buttons and swipes. Offline, no
// libraries; without JavaScript every screen shows, one after another.
(function () {
  "use strict";
  var screens = Array.prototype.slice.call(document.querySelectorAll(".cr-screen"));
  var bar = document.getElementById("cr-bar");
  if (!screens.length || !bar) return;
  document.body.classList.add("js");
  var $ = function (id) { return document.getElementById(id); };
  var timerButton = $("cr-timer");
  var totalMs = (+bar.getAttribute("data-duration") || 0) * 60000;
  // Milliseconds the timer has run on each screen, banked when it stops
  // or the screen changes.
  var used = screens.map(function () { return 0; });
  var current = 0;
  var running = false;
  var since = 0;

  function spent(i) {
    return used[i] + (running && i === current ? Date.now() - since : 0);
  }
  function bank() {
    if (running) {
      var t = Date.now();
      used[current] += t - since;
      since = t;
    }
  }
  // m:ss of a remaining time; past zero, the overtime with its label.
  function clock(ms) {
    var over = ms < 0;
    var s = over ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
    var text = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
    return over ? bar.getAttribute("data-overtime") + " " + text : text;
  }
  function render() {
    var minutes = +screens[current].getAttribute("data-minutes") || 0;
    var left = minutes * 60000 - spent(current);
    var all = 0;
    for (var i = 0; i < screens.length; i++) all += spent(i);
    $("cr-part").textContent = clock(left);
    $("cr-total").textContent = clock(totalMs - all);
    bar.classList.toggle("cr-over", left < 0);
    $("cr-pos").textContent = bar.getAttribute("data-screen")
      .replace("{n}", current + 1).replace("{total}", screens.length);
    timerButton.textContent = timerButton.getAttribute(running ? "data-pause" : "data-start");
    timerButton.setAttribute("aria-pressed", running ? "true" : "false");
  }
  function show(i) {
    i = Math.max(0, Math.min(screens.length - 1, i));
    bank();
    screens[current].classList.remove("cr-current");
    current = i;
    screens[current].classList.add("cr-current");
    window.scrollTo(0, 0);
    render();
  }
  function toggleTimer() {
    if (running) {
      bank();
      running = false;
    } else {
      since = Date.now();
      running = true;
    }
    render();
  }
  function fullScreen() {
    var d = document, el = d.documentElement;
    if (d.fullscreenElement || d.webkitFullscreenElement) {
      (d.exitFullscreen || d.webkitExitFullscreen).call(d);
    } else if (el.requestFullscreen || el.webkitRequestFullscreen) {
      var p = (el.requestFullscreen || el.webkitRequestFullscreen).call(el);
      if (p && p.catch) p.catch(function () {});
    }
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var k = e.key;
    if (k === "ArrowRight" || k === "ArrowDown" || k === "PageDown" || k === "Right" || k === "Down") show(current + 1);
    else if (k === "ArrowLeft" || k === "ArrowUp" || k === "PageUp" || k === "Left" || k === "Up") show(current - 1);
    else if (k === "Home") show(0);
    else if (k === "End") show(screens.length - 1);
    else if (k === " " || k === "Spacebar") toggleTimer();
    else if (k === "f" || k === "F" || k === "F5") fullScreen();
    // The clicker's "black screen" button.
    else if (k === "b" || k === "B" || k === ".") document.body.classList.toggle("cr-blank");
    else return;
    e.preventDefault();
  });
  function button(id, act) {
    $(id).addEventListener("click", function () { act(); this.blur(); });
  }
  button("cr-prev", function () { show(current - 1); });
  button("cr-next", function () { show(current + 1); });
  button("cr-timer", toggleTimer);
  button("cr-full", fullScreen);

  // Swipes on a whiteboard or tablet.
  var touch = null;
  document.addEventListener("touchstart", function (e) {
    if (e.touches.length === 1) touch = { x: e.touches[0].clientX, y: e.touches[0].clientY };
  }, { passive: true });
  document.addEventListener("touchend", function (e) {
    if (!touch || !e.changedTouches.length) return;
    var dx = e.changedTouches[0].clientX - touch.x;
    var dy = e.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) show(dx < 0 ? current + 1 : current - 1);
  }, { passive: true });

  var start = /^#screen-(\d+)$/.exec(location.hash);
  show(start ? +start[1] - 1 : 0);
  // Opening at `#screen-3` must not scroll the bar over the heading.
  window.addEventListener("load", function () { window.scrollTo(0, 0); });
  setInterval(render, 250);
})();
