// The dashboard's stylesheet, embedded in the executable as a string (served at /dashboard/assets/style.css).
export const STYLE_CSS = `
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1d2430; --muted: #667085; --line: #e4e7ec;
  --accent: #3b5bdb; --accent-dark: #2f4ac0; --danger: #c92a2a; --ok: #2b8a3e; --warn: #b35c00;
  --radius: 8px; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px; }
body { margin: 0; background: var(--bg); color: var(--text); line-height: 1.5; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: var(--mono); font-size: 0.88em; }
h1 { font-size: 1.45rem; margin: 0 0 1rem; font-weight: 650; }
h2 { font-size: 1.08rem; margin: 0 0 0.75rem; font-weight: 620; }
p { margin: 0 0 0.75rem; }
.muted { color: var(--muted); }
.mt { margin-top: 1.25rem; }
.small { font-size: 0.86rem; }

.topbar { background: #141a26; color: #fff; }
.topbar .inner { max-width: 1180px; margin: 0 auto; padding: 0 1.25rem; display: flex; align-items: center; gap: 1.5rem; height: 56px; }
.brand { color: #fff; font-weight: 700; letter-spacing: 0.2px; font-size: 1.05rem; }
.brand span { color: #8ea2ff; }
.nav { display: flex; gap: 0.25rem; flex: 1; flex-wrap: wrap; }
.nav a { color: #c9d1e3; padding: 0.4rem 0.5rem; border-radius: 6px; font-size: 0.9rem; }
.nav a:hover { background: #222b3d; color: #fff; text-decoration: none; }
.nav a.active { background: #2a3550; color: #fff; }
.nav .sep { width: 1px; background: #334; margin: 0.3rem 0.4rem; }
.who { display: flex; align-items: center; gap: 0.75rem; color: #c9d1e3; font-size: 0.88rem; }
.who form { margin: 0; }
.who button { background: transparent; border: 1px solid #3a4560; color: #dfe5f2; padding: 0.3rem 0.7rem; }
.who button:hover { background: #222b3d; }

main { max-width: 1180px; margin: 0 auto; padding: 1.75rem 1.25rem 3rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.25rem 1.35rem; margin-bottom: 1.25rem; }
.grid { display: grid; gap: 1.25rem; }
.grid.cols-4 { grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); }
.grid.cols-2 { grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
.stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.2rem; }
.stat .label { color: var(--muted); font-size: 0.82rem; text-transform: uppercase; letter-spacing: 0.04em; }
.stat .value { font-size: 1.6rem; font-weight: 650; margin-top: 0.2rem; font-variant-numeric: tabular-nums; }

table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; padding: 0.55rem 0.6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td { padding: 0.55rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
tbody tr:nth-child(even) { background: #fafbfc; }
tbody tr:hover { background: #f2f5ff; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; }
.empty { color: var(--muted); text-align: center; padding: 1.5rem; }

.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.78rem; font-weight: 600; background: #eef1f6; color: #475467; }
.badge.ok { background: #e6f4ea; color: var(--ok); }
.badge.err { background: #fdecec; color: var(--danger); }
.badge.warn { background: #fff3e0; color: var(--warn); }
.badge.info { background: #e8edff; color: var(--accent-dark); }

form.stack { display: grid; gap: 0.8rem; max-width: 520px; }
form.inline { display: flex; gap: 0.6rem; align-items: flex-end; flex-wrap: wrap; margin: 0; }
form.inline label { font-size: 0.82rem; }
label { display: grid; gap: 0.25rem; font-weight: 550; font-size: 0.88rem; }
.hint { font-weight: 400; color: var(--muted); font-size: 0.8rem; }
input, select, textarea { font: inherit; font-weight: 400; padding: 0.45rem 0.6rem; border: 1px solid #cfd4dc; border-radius: 6px; background: #fff; color: var(--text); min-width: 0; }
input:not([type=checkbox]):not([type=radio]), select { min-height: 2.3rem; }
input:focus, select:focus { outline: 2px solid #bac8ff; border-color: var(--accent); }
fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0; }
legend { font-weight: 600; font-size: 0.88rem; padding: 0 0.3rem; }
.row { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 0.8rem; }
.checks { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; }
.checks label { display: flex; gap: 0.35rem; align-items: center; font-weight: 400; }
button, .button { font: inherit; font-weight: 600; padding: 0.48rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; display: inline-block; }
button:hover, .button:hover { background: var(--accent-dark); text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--text); border-color: #cfd4dc; }
button.secondary:hover { background: #f2f4f7; }
button.danger { background: #fff; color: var(--danger); border-color: #f1b5b5; }
button.danger:hover { background: #fdecec; }
button.small, .button.small { padding: 0.22rem 0.6rem; font-size: 0.82rem; }
.actions { display: flex; gap: 0.4rem; align-items: center; }
.actions form { margin: 0; }

.flash { border-radius: var(--radius); padding: 0.75rem 1rem; margin-bottom: 1.25rem; border: 1px solid; }
.flash.notice { background: #e6f4ea; border-color: #b7e1c1; color: #1e5e2d; }
.flash.error { background: #fdecec; border-color: #f5c2c2; color: #8a1f1f; }
.flash.info { background: #e8edff; border-color: #c5d0ff; color: #27389a; }

.secret { display: flex; gap: 0.5rem; align-items: center; margin: 0.6rem 0; }
.secret input { flex: 1; font-family: var(--mono); font-size: 0.92rem; background: #f8f9fb; }
.keyreveal { border: 1px solid #b7e1c1; background: #f3fbf5; }

.chart { width: 100%; height: auto; display: block; }
.chart .bar { fill: #748ffc; }
.chart .bar:hover { fill: var(--accent); }
.chart .axis { stroke: var(--line); }
.chart text { fill: var(--muted); font-size: 10px; font-family: inherit; }

.auth { max-width: 420px; margin: 4rem auto; }
.auth .brand-big { text-align: center; font-size: 1.6rem; font-weight: 700; margin-bottom: 1.5rem; }
.auth .brand-big span { color: var(--accent); }
.auth form.stack { max-width: none; }
.auth button { width: 100%; }

dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 0.45rem 1.5rem; margin: 0; font-size: 0.92rem; }
dl.details dt { color: var(--muted); }
dl.details dd { margin: 0; }
.pager { display: flex; justify-content: space-between; align-items: center; margin-top: 0.9rem; }
.toggle { justify-self: start; display: inline-flex; border: 1px solid #cfd4dc; border-radius: 6px; overflow: hidden; }
.toggle label { display: flex; align-items: center; gap: 0.3rem; padding: 0.4rem 0.9rem; font-weight: 600; cursor: pointer; }
.toggle label + label { border-left: 1px solid #cfd4dc; }
.toggle input { margin: 0; }
.preview { font-size: 0.9rem; color: var(--muted); min-height: 1.4em; }
.chart .seg.s0, .swatch.s0 { fill: #4c6ef5; background: #4c6ef5; }
.chart .seg.s1, .swatch.s1 { fill: #f59f00; background: #f59f00; }
.chart .seg.s2, .swatch.s2 { fill: #37b24d; background: #37b24d; }
.chart .seg.s3, .swatch.s3 { fill: #e64980; background: #e64980; }
.chart .seg.s4, .swatch.s4 { fill: #15aabf; background: #15aabf; }
.chart .seg.s5, .swatch.s5 { fill: #7950f2; background: #7950f2; }
.chart .seg.s6, .swatch.s6 { fill: #fd7e14; background: #fd7e14; }
.chart .seg.s7, .swatch.s7 { fill: #868e96; background: #868e96; }
.chart .seg:hover { opacity: 0.8; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; padding: 0; margin: 0.6rem 0; font-size: 0.86rem; }
.legend li { display: flex; align-items: center; gap: 0.4rem; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; }
tfoot th { color: var(--text); border-top: 2px solid var(--line); text-transform: none; font-size: 0.9rem; }
tfoot th, tfoot td { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
tfoot th:first-child { text-align: left; }
.errmsg { color: var(--danger); max-width: 28rem; white-space: normal; }
.flash.alert { background: #fff3e0; border-color: #ffd8a8; color: #7a3e00; }
.flash.alert p { margin: 0.15rem 0; }
details.snippet { border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 0.8rem; margin: 0.5rem 0; background: #fff; }
details.snippet summary { cursor: pointer; font-weight: 600; font-size: 0.9rem; }
details.snippet pre { background: #f8f9fb; padding: 0.6rem 0.8rem; border-radius: 6px; overflow-x: auto; font-family: var(--mono); font-size: 0.82rem; margin: 0.5rem 0; }
.model-picker input[type=search] { width: 100%; margin-bottom: 0.5rem; }
.model-picker .checks { max-height: 16rem; overflow-y: auto; }
.checks label[hidden] { display: none; }
meter { width: 8rem; display: block; margin-top: 0.2rem; }
@media (max-width: 720px) { .topbar .inner { height: auto; flex-wrap: wrap; padding: 0.6rem 1rem; } }
`
