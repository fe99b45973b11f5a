import { html, SafeHtml } from './html-template';

export interface PageOptions {
  title: string;
  /** Nonce of the inline style and script, echoed by the Content-Security-Policy header. */
  nonce: string;
  /** Which navigation item is current. */
  section: 'runs' | 'run' | 'jobs';
  /** The refreshable part of the page. */
  content: SafeHtml;
  /** How often the content is fetched again, in ms; 0 for never. */
  refreshMs: number;
  /** Whether Bull Board accepts actions (shown in the header). */
  allowActions: boolean;
}

// System fonts only: the dashboard loads nothing from outside this server.
const STYLE = `
:root{--bg:#f5f6f8;--card:#fff;--text:#1f2933;--muted:#64748b;--line:#e2e8f0;--accent:#2563eb;
--ok:#15803d;--warn:#b45309;--bad:#b91c1c;--radius:10px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font-size:14px;line-height:1.45}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;align-items:center;gap:24px;padding:12px 28px;background:#111827;color:#e5e7eb}
header.top .brand{font-weight:700;font-size:17px;color:#fff;letter-spacing:.02em}
header.top nav{display:flex;gap:18px}header.top nav a{color:#cbd5e1}header.top nav a.current{color:#fff;font-weight:600}
header.top .status{margin-left:auto;font-size:12px;color:#94a3b8;display:flex;gap:12px;align-items:center}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#22c55e;margin-right:6px}
.dot.idle{background:#64748b}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px}
.subtitle{color:var(--muted);margin:0 0 18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:16px 18px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin:16px 0}
.tile .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.tile .value{font-size:24px;font-weight:650;margin-top:4px;font-variant-numeric:tabular-nums}
.tile .hint{color:var(--muted);font-size:12px;margin-top:2px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:12px}
figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:12px 14px}
figure.chart figcaption{font-weight:600;margin-bottom:6px}
figure.chart svg{width:100%;height:auto;display:block}
figure.chart .grid{stroke:#e5e7eb;stroke-width:1}figure.chart text{font-size:11px;fill:#64748b}
figure.chart .bar-label{fill:#334155;font-weight:600}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 14px;padding:0;margin:6px 0 0;font-size:12px;color:#475569}
.swatch{display:inline-block;width:14px;height:3px;border-radius:2px;background:var(--swatch);margin-right:6px;vertical-align:middle}
.swatch.dashed{background:repeating-linear-gradient(90deg,var(--swatch) 0 5px,transparent 5px 8px)}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden}
th,td{padding:8px 10px;text-align:right;border-bottom:1px solid var(--line);white-space:nowrap;font-variant-numeric:tabular-nums}
th{background:#f8fafc;color:#475569;font-weight:600;font-size:12px}
th:first-child,td:first-child,.left{text-align:left}tr:last-child td{border-bottom:0}
.table-wrap{overflow-x:auto;border-radius:var(--radius)}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;font-size:12px;font-weight:600;background:#e2e8f0;color:#334155}
.badge.running,.badge.releasing{background:#dbeafe;color:#1d4ed8}.badge.completed,.badge.finished{background:#dcfce7;color:#166534}
.badge.failed{background:#fee2e2;color:#991b1b}.badge.cancelled{background:#fef3c7;color:#92400e}
.badge.pending,.badge.waiting,.badge.not-run{background:#f1f5f9;color:#475569}
.badge.partial{background:#fef3c7;color:#92400e}
.reason{color:var(--bad);font-size:12px;max-width:280px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;margin-top:2px}
.description{color:var(--text);margin:4px 0 12px;max-width:900px}
.progress{height:8px;background:#e2e8f0;border-radius:999px;overflow:hidden;min-width:120px}
.progress>span{display:block;height:100%;background:var(--accent)}
.progress.big{height:12px;margin:10px 0 6px}
.facts{display:flex;flex-wrap:wrap;gap:6px 22px;color:var(--muted);font-size:13px}
.facts b{color:var(--text);font-weight:600}
.note{color:var(--muted);font-size:13px;margin-top:10px}
.alert{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:var(--radius);padding:10px 14px;margin:12px 0;white-space:pre-wrap}
.alert.warn{background:#fffbeb;border-color:#fde68a;color:#92400e}
.empty{padding:40px;text-align:center;color:var(--muted)}
.unparseable{color:var(--warn);font-size:11px}
td.wrap{white-space:normal;max-width:640px;word-break:break-word}
tr.total td{font-weight:600;background:#f8fafc}
figure.chart .incomplete-label{font-size:10px;fill:#92400e}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#eef2f7;padding:1px 5px;border-radius:4px}
.spaced{margin-top:14px}td .note{font-size:11px;margin:0}
.good{color:var(--ok)}.mid{color:var(--warn)}.poor{color:var(--bad)}
`;

// Fetches the page again and swaps the content in place; stops once the content says it is final.
const REFRESH_SCRIPT = `
(function(){
  var main=document.getElementById('content');var status=document.getElementById('refresh-status');
  var every=Number(main.dataset.refreshMs);if(!every)return;
  function schedule(){if(main.dataset.final==='true'){status.innerHTML='<span class="dot idle"></span>final';return;}setTimeout(tick,every);}
  function tick(){
    var url=new URL(location.href);url.searchParams.set('fragment','1');
    fetch(url,{headers:{accept:'text/html'},credentials:'same-origin'}).then(function(r){
      if(!r.ok)throw new Error(String(r.status));return r.text();
    }).then(function(text){
      var holder=document.createElement('div');holder.innerHTML=text;var next=holder.firstElementChild;
      if(next){main.innerHTML=next.innerHTML;main.dataset.final=next.dataset.final;}
      status.innerHTML='<span class="dot"></span>live · updated '+new Date().toLocaleTimeString();
    }).catch(function(error){status.textContent='refresh failed ('+error.message+'), retrying';}).then(schedule);
  }
  schedule();
})();
`;

/** The refreshable part: what the page shows and what the script swaps in. */
export function contentFragment(content: SafeHtml, final: boolean, refreshMs: number): SafeHtml {
  return html`<main id="content" data-final="${String(final)}" data-refresh-ms="${refreshMs}">${content}</main>`;
}

/** A whole page: header, navigation, the content, and the refresh script. */
export function renderPage(options: PageOptions, final: boolean): string {
  const navigation = html`<nav>
    <a href="/" class="${options.section === 'runs' ? 'current' : ''}">Runs</a>
    <a href="/queues/">Queues (Bull Board)</a>
    <a href="/metrics">Metrics</a>
    <a href="/api/runs">JSON API</a>
  </nav>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${options.title} · Parley</title>
<style nonce="${options.nonce}">${new SafeHtml(STYLE)}</style>
</head>
<body>
<header class="top">
  <a class="brand" href="/">Parley</a>
  ${navigation}
  <span class="status">
    <span>${options.allowActions ? 'Bull Board actions on' : 'Bull Board read-only'}</span>
    <span id="refresh-status">${final ? html`<span class="dot idle"></span>final` : html`<span class="dot"></span>live`}</span>
  </span>
</header>
${contentFragment(options.content, final, options.refreshMs)}
<script nonce="${options.nonce}">${new SafeHtml(REFRESH_SCRIPT)}</script>
</body>
</html>
`.value;
}
