// The page's own router: links change the URL with history.pushState and the view is drawn here, without a
// request for a new page. A reload of /about asks the server for /about, which answers index.html (history
// fallback), and this script draws the view again from location.pathname.
const views = {
  '/': () => 'Home. Try the links above, then reload the page.',
  '/about': () => 'About: a single-page app served by duplex.',
};

function draw() {
  const path = location.pathname;
  const user = path.match(/^\/users\/(\d+)$/);
  const view = views[path] ? views[path]() : user ? `User ${user[1]}` : `No page at ${path}`;
  document.getElementById('view').textContent = view;
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (!a || a.origin !== location.origin) return;
  e.preventDefault();
  history.pushState(null, '', a.pathname);
  draw();
});
window.addEventListener('popstate', draw);

draw();
fetch('/api/status')
  .then((r) => r.json())
  .then((s) => { document.getElementById('status').textContent = `up ${s.uptime_ms} ms`; })
  .catch(() => { document.getElementById('status').textContent = 'unreachable'; });
