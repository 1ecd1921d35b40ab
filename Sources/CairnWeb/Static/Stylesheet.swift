/// The UI's stylesheet, served at `/static/cairn.css`: no CDN, no build step.
enum Stylesheet {
    /// The CSS text.
    static let css = """
        :root {
          --ink: #1f2328; --muted: #656d76; --line: #d8dee4; --soft: #f6f8fa; --panel: #ffffff;
          --accent: #4f46e5; --accent-soft: #eef2ff;
          --fresh: #1a7f37; --stale: #b35900; --missing: #8c959f; --failed: #cf222e;
          --progress: #0969da; --source: #8250df; --queued: #6e7781;
          font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
          font-size: 14px; color: var(--ink); background: var(--soft);
        }
        * { box-sizing: border-box; }
        body { margin: 0; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
        header.topbar { display: flex; align-items: center; gap: 24px; padding: 0 24px; height: 52px;
          background: #111827; color: #e5e7eb; position: sticky; top: 0; z-index: 10; }
        header.topbar .brand { color: #fff; font-weight: 700; font-size: 17px; letter-spacing: .2px; display: flex; gap: 8px; align-items: center; }
        header.topbar .brand svg { display: block; }
        header.topbar nav { display: flex; gap: 4px; flex-wrap: wrap; }
        header.topbar nav a { color: #cbd5e1; padding: 6px 10px; border-radius: 6px; }
        header.topbar nav a:hover { background: #1f2937; color: #fff; text-decoration: none; }
        header.topbar nav a.active { background: #374151; color: #fff; }
        header.topbar .location { margin-left: auto; color: #9ca3af; font-size: 13px; }
        header.topbar .location a.api { color: #cbd5e1; }
        header.topbar .location b { color: #e5e7eb; }
        main { padding: 24px; max-width: 1400px; margin: 0 auto; }
        main.wide { max-width: none; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h1 .badge { vertical-align: middle; margin-left: 8px; }
        h2 { font-size: 16px; margin: 0 0 12px; }
        .subtitle { color: var(--muted); margin: 0 0 20px; }
        .grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin-bottom: 16px; }
        .card.flush { padding: 0; }
        .card.flush h2 { padding: 14px 18px 0; }
        .stats { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 16px; }
        .stat { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; min-width: 150px; }
        a.stat { color: inherit; text-decoration: none; } a.stat:hover { border-color: var(--accent); }
        .card.flush { overflow-x: auto; }
        .card.flush > .toolbar { padding: 0 18px; }
        .log td:nth-child(1) { width: 110px; } .log td:nth-child(2) { width: 210px; } .log td:nth-child(3) { width: 200px; }
        .stat .value { font-size: 24px; font-weight: 650; }
        .stat .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .4px; }
        table { width: 100%; border-collapse: collapse; }
        th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase;
          letter-spacing: .3px; padding: 8px 10px; border-bottom: 1px solid var(--line); background: var(--soft); }
        td { padding: 8px 10px; border-bottom: 1px solid #eef1f4; vertical-align: top; }
        tr:last-child td { border-bottom: none; }
        tr:hover td { background: #fafbfc; }
        .muted { color: var(--muted); }
        .small { font-size: 12px; }
        .empty { color: var(--muted); padding: 18px; text-align: center; }
        .badge { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 11.5px; font-weight: 600;
          line-height: 18px; background: #eaeef2; color: var(--ink); white-space: nowrap; }
        .badge.fresh, .badge.success, .badge.running-state, .badge.completed_success { background: #dafbe1; color: var(--fresh); }
        .badge.stale { background: #fff1e5; color: var(--stale); }
        .badge.missing, .badge.not_started, .badge.stopped { background: #eaeef2; color: #57606a; }
        .badge.failed, .badge.failure, .badge.completed_failed, .badge.error { background: #ffebe9; color: var(--failed); }
        .badge.inprogress, .badge.started, .badge.starting, .badge.requested, .badge.canceling { background: #ddf4ff; color: var(--progress); }
        .badge.queued { background: #eaeef2; color: var(--queued); }
        .badge.canceled { background: #f6f8fa; color: #57606a; border: 1px solid var(--line); }
        .badge.source { background: #fbefff; color: var(--source); }
        .badge.skipped { background: #f6f8fa; color: #57606a; }
        .tag { display: inline-block; padding: 1px 7px; border-radius: 6px; background: var(--accent-soft); color: #3730a3;
          font-size: 12px; margin: 1px 3px 1px 0; }
        .kind { display: inline-block; padding: 1px 7px; border-radius: 6px; background: #f1f5f9; border: 1px solid #e2e8f0; font-size: 12px; margin-right: 3px; }
        .toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 14px; }
        .toolbar .spacer { flex: 1; }
        input[type=text], input[type=search], input[type=password], select, textarea { font: inherit; line-height: 1.5; padding: 6px 10px; border: 1px solid var(--line);
          border-radius: 6px; background: #fff; color: var(--ink); }
        input[type=text]:focus, input[type=search]:focus, textarea:focus, select:focus { outline: 2px solid #c7d2fe; border-color: var(--accent); }
        input.selection { min-width: 360px; font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
        textarea.yaml { width: 100%; min-height: 260px; font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
        .button, button { font: inherit; font-weight: 600; padding: 7px 14px; border-radius: 6px; border: 1px solid var(--line);
          background: #f6f8fa; color: var(--ink); cursor: pointer; }
        .button:hover, button:hover { background: #eef1f4; text-decoration: none; }
        .button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        .button.primary:hover { background: #4338ca; }
        .button.danger { color: var(--failed); }
        form.inline { display: inline; margin: 0; }
        .actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 12px 0 18px; }
        .flash { padding: 10px 14px; border-radius: 8px; margin-bottom: 16px; border: 1px solid; }
        .flash.error { background: #ffebe9; border-color: #ffc1bc; color: #82071e; white-space: pre-wrap; }
        .flash.notice { background: #dafbe1; border-color: #aceebb; color: #116329; }
        .flash.warning { background: #fff8c5; border-color: #eac54f; color: #7d4e00; }
        .pagination { display: flex; gap: 8px; align-items: center; padding: 12px 18px; justify-content: flex-end; }
        dl.facts { display: grid; grid-template-columns: 160px 1fr; gap: 6px 16px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        .graph-viewport { background: #fbfcfd; border: 1px solid var(--line); border-radius: 10px; overflow: hidden;
          height: calc(100vh - 230px); min-height: 420px; cursor: grab; touch-action: none; }
        .graph-viewport.dragging { cursor: grabbing; }
        .graph-viewport svg { width: 100%; height: 100%; display: block; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg .axis { stroke: #d0d7de; }
        svg text { font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
        .plots { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); }
        .plot h3 { font-size: 13px; margin: 0 0 6px; font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
        .legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin-top: 8px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
        .legend i.materialized { background: var(--fresh); } .legend i.failed { background: var(--failed); }
        .legend i.missing { background: #d0d7de; } .legend i.inprogress { background: var(--progress); }
        .legend i.fresh { background: #2da44e; } .legend i.stale { background: #d4a72c; }
        .legend i.inProgress { background: #0969da; } .legend i.source { background: #8250df; }
        .badge.running, .badge.healthy, .badge.passed { background: #dafbe1; color: var(--fresh); }
        .badge.unhealthy, .badge.checkfailed { background: #ffebe9; color: var(--failed); }
        svg.lineage a.node:hover rect:first-of-type { stroke-width: 3; }
        .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; }
        .dot.passed { background: var(--fresh); } .dot.failed { background: var(--failed); }
        pre.error { background: #fff8f7; border: 1px solid #ffd8d3; border-radius: 8px; padding: 10px; overflow: auto; max-height: 360px; }
        pre.output { background: #0d1117; color: #e6edf3; border-radius: 8px; padding: 10px; overflow: auto; max-height: 360px; }
        pre.output .stderr { color: #ffa198; }
        .markdown p:first-child { margin-top: 0; }
        .log td { font-size: 13px; }
        .log tr.level-error td { background: #fff8f7; }
        .log tr.level-warning td { background: #fffbf0; }
        .log tr.hidden { display: none; }
        .yaml-errors { list-style: none; padding: 0; margin: 8px 0; }
        .yaml-errors li { padding: 6px 10px; border-left: 3px solid var(--failed); background: #fff8f7; margin-bottom: 4px; font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
        .yaml-view { border: 1px solid var(--line); border-radius: 6px; overflow: auto; margin: 8px 0; }
        .yaml-view .line { display: flex; font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
        .yaml-view .line .number { width: 44px; text-align: right; padding-right: 10px; color: var(--muted); background: var(--soft); }
        .yaml-view .line pre { margin: 0; padding-left: 8px; }
        .yaml-view .line.bad { background: #ffebe9; }
        .yaml-view .line .problem { color: var(--failed); padding-left: 16px; }
        .tree { list-style: none; padding-left: 18px; margin: 4px 0; }
        .tree > li { margin: 3px 0; }
        .tree .true { color: var(--fresh); font-weight: 700; } .tree .false { color: var(--muted); font-weight: 700; }
        label.field { display: block; margin-bottom: 12px; }
        label.field span { display: block; font-weight: 600; margin-bottom: 4px; }
        .login { max-width: 360px; margin: 80px auto; }
        .login input { width: 100%; }
        """
}
