#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py CONSOLE_LOG OUTDIR

Turn the BENCH-* lines that bench/run.sh printed in the guest into
OUTDIR/results.md (Markdown tables), OUTDIR/results.json and
OUTDIR/chart.png (gnuplot: time against memory size for both systems).
Exit status 1 if the log has no complete benchmark or a run failed.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

METRICS = ('ckpt_us', 'frozen_us', 'restart_us', 'size', 'kckpt_us', 'krestart_us', 'mem_kib')
SYSTEMS = ('ours', 'criu')
# The targets (issue 6), as ratios measured in the same run.
T_MEMCPY = 0.70		# checkpoint throughput / memcpy bandwidth, 1 GiB
T_SPEEDUP = 5.0		# CRIU time / ours, checkpoint and restart, 1 GiB
T_FROZEN = 0.05		# ours frozen / CRIU frozen, 1 GiB
# "memory use bounded (does not grow beyond page tables)": page tables
# are 0.2% of the memory they map; 1% leaves room for the stream buffer.
T_MEM = 0.01


def parse(path):
    info, limits, raw, criu, done = {}, {}, [], {}, None
    with open(path, errors='replace') as f:
        for line in f:
            m = re.search(r'(BENCH-[A-Z]+)( .*)?$', line.rstrip('\r\n'))
            if not m:
                continue
            kv = dict(w.split('=', 1) for w in (m.group(2) or '').split() if '=' in w)
            tag = m.group(1)
            if tag == 'BENCH-INFO':
                info.update(kv)
            elif tag == 'BENCH-LIMIT':
                limits.update({k: float(v) for k, v in kv.items()})
            elif tag == 'BENCH-RAW':
                raw.append(kv)
            elif tag == 'BENCH-CRIU':
                key = (kv.pop('wl'), kv.pop('run'))
                criu[key] = {k: int(v) for k, v in kv.items()}
            elif tag == 'BENCH-DONE':
                done = kv
    return info, limits, raw, criu, done


def summarize(raw, criu):
    """workload -> {procs, mem_mib, ours/criu -> {metric -> {min, median, runs}}}"""
    wls = {}
    for r in raw:
        w = wls.setdefault(r['wl'], {'procs': int(r['procs']), 'mem_mib': int(r['mem_mib'])})
        s = w.setdefault(r['sys'], {'failed': 0, 'ok': 0, 'runs': {m: [] for m in METRICS}})
        if r['ok'] != '1':
            s['failed'] += 1
            continue
        s['ok'] += 1
        vals = {m: int(r.get(m, 0)) for m in METRICS}
        if r['sys'] == 'criu':
            # CRIU's stats, if the run got as far as printing them
            st = criu.get((r['wl'], r['run']), {})
            vals['frozen_us'] = st.get('frozen_us')
            for k in ('freezing_us', 'memdump_us', 'memwrite_us', 'restore_us', 'forking_us'):
                if k in st:
                    s['runs'].setdefault(k, []).append(st[k])
        for m in METRICS:
            if vals[m] is not None:
                s['runs'][m].append(vals[m])
    for w in wls.values():
        for name in SYSTEMS:
            s = w.get(name)
            if not s:
                continue
            s['min'] = {m: min(v) for m, v in s['runs'].items() if v}
            s['median'] = {m: statistics.median(v) for m, v in s['runs'].items() if v}
    return wls


def med(w, sys_, m):
    return w.get(sys_, {}).get('median', {}).get(m)


def mn(w, sys_, m):
    return w.get(sys_, {}).get('min', {}).get(m)


def ratio(a, b):
    return a / b if a is not None and b else None


def fms(us):
    if us is None:
        return '-'
    return '%.0f' % (us / 1000) if us >= 100000 else '%.1f' % (us / 1000)


def fsize(b):
    if b is None:
        return '-'
    if b >= 1 << 20:
        return '%.1f MiB' % (b / (1 << 20))
    return '%.0f KiB' % (b / 1024)


def fr(x, digits=2):
    return '-' if x is None else '%.*f' % (digits, x)


def cell(w, sys_, m, fmt=fms):
    a, b = mn(w, sys_, m), med(w, sys_, m)
    if a is None:
        failed = w.get(sys_, {}).get('failed')
        return 'FAILED' if failed else '-'
    return '%s / %s' % (fmt(a), fmt(b))


def mem_workloads(wls):
    return sorted((w['mem_mib'], n) for n, w in wls.items() if w['mem_mib'])


def targets(wls, limits):
    """The issue's targets, judged on the largest memory workload."""
    out = []
    mems = mem_workloads(wls)
    if not mems:
        return out
    mib, name = mems[-1]
    w = wls[name]
    memcpy = limits.get('memcpy_mibs')
    t = med(w, 'ours', 'ckpt_us')
    thr = mib / (t / 1e6) if t else None

    def add(what, value, goal, met):
        out.append({'target': what, 'workload': name, 'value': value, 'goal': goal,
                    'met': met})
    v = ratio(thr, memcpy)
    add('checkpoint throughput / memcpy bandwidth', v, '>= %.2f' % T_MEMCPY,
        v is not None and v >= T_MEMCPY)
    v = ratio(med(w, 'criu', 'ckpt_us'), t)
    add('criu dump time / ours checkpoint time', v, '>= %.1f' % T_SPEEDUP,
        v is not None and v >= T_SPEEDUP)
    v = ratio(med(w, 'criu', 'restart_us'), med(w, 'ours', 'restart_us'))
    add('criu restore time / ours restart time', v, '>= %.1f' % T_SPEEDUP,
        v is not None and v >= T_SPEEDUP)
    v = ratio(med(w, 'ours', 'frozen_us'), med(w, 'criu', 'frozen_us'))
    add('ours frozen time / CRIU frozen time', v, '< %.2f' % T_FROZEN,
        v is not None and v < T_FROZEN)
    v = med(w, 'ours', 'mem_kib')
    v = v / (mib * 1024) if v is not None else None
    add('checkpointer memory / workload memory', v, '<= %.2f' % T_MEM,
        v is not None and v <= T_MEM)
    worst, wname = None, None
    for n, x in wls.items():
        v = ratio(med(x, 'ours', 'size'), med(x, 'criu', 'size'))
        if v is not None and (worst is None or v > worst):
            worst, wname = v, n
    out.append({'target': 'image size ours / CRIU (largest ratio of all workloads)',
                'workload': wname, 'value': worst, 'goal': '<= 1.00',
                'met': worst is not None and worst <= 1.0})
    return out


def per_unit(wls):
    """Cost of one more task, thread or mapping: (workload - counter) / units."""
    base = wls.get('counter')
    rows = []
    if not base:
        return rows
    for name, w in sorted(wls.items()):
        m = re.match(r'(tree|threads|maps)(\d+)$', name)
        if not m:
            continue
        units = int(m.group(2)) - (1 if m.group(1) == 'tree' else 0)
        kind = {'tree': 'process', 'threads': 'thread', 'maps': 'mapping'}[m.group(1)]
        row = {'workload': name, 'unit': kind, 'units': units}
        for s in SYSTEMS:
            for metric in ('ckpt_us', 'restart_us', 'size'):
                a, b = med(w, s, metric), med(base, s, metric)
                row['%s_%s' % (s, metric)] = (a - b) / units if a is not None and b is not None else None
        rows.append(row)
    return rows


def markdown(info, limits, wls, tgts, units, when):
    L = []
    L.append('# ckpt against CRIU: benchmark results')
    L.append('')
    L.append('%s; kernel %s, %s vCPUs (QEMU TCG), %s MiB; CRIU %s%s; %s run(s) per system%s.' % (
        when, info.get('kernel', '?'), info.get('cpus', '?'), info.get('mem_mib', '?'),
        info.get('criu', '?'), '' if info.get('criu_check') == '1' else ' (criu check FAILED: not run)',
        info.get('runs', '?'), ', BENCH_QUICK sizes' if info.get('quick') == '1' else ''))
    L.append('Numbers are from an emulated (TCG) guest with %s: they are '
             'only comparable inside one run, never across runs or machines.' % (
                 'a debug kernel (lockdep)' if info.get('lockdep', '1') == '1'
                 else 'a kernel without lockdep (KCONFIG=nodebug)'))
    L.append('')
    L.append('Limits: memcpy %.0f MiB/s, dd to tmpfs %.0f MiB/s.' % (
        limits.get('memcpy_mibs', 0), limits.get('dd_mibs', 0)))
    L.append('')
    L.append('Times in ms, each cell "min / median"; the ratios are ours/CRIU of the medians '
             '(below 1: ckpt is faster or smaller).  checkpoint and restart: wall time of the '
             'command (`ckpt checkpoint`, `criu dump --leave-running`; `ckpt restart`, '
             '`criu restore -d`).  frozen: time the tasks were stopped (ckpt.state `frozen_us`; '
             'CRIU\'s stats-dump `frozen_time`).  The redis workloads (redis-server with data '
             'and clients outside its group, each keeping a connection) are checkpointed with '
             '`ckpt checkpoint --kill` and `criu dump --tcp-established`, restored with '
             '`criu restore --tcp-established`, and every client must still get answers.')
    L.append('')
    L.append('| workload | checkpoint ours | CRIU | ratio | frozen ours | CRIU | ratio '
             '| restart ours | CRIU | ratio | image ours | CRIU | ratio |')
    L.append('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
    order = sorted(wls, key=lambda n: (0 if n == 'counter' else 1 if wls[n]['mem_mib'] else 2,
                                       wls[n]['mem_mib'], n))
    for n in order:
        w = wls[n]
        row = [n]
        for m, f in (('ckpt_us', fms), ('frozen_us', fms), ('restart_us', fms), ('size', fsize)):
            row += [cell(w, 'ours', m, f), cell(w, 'criu', m, f),
                    fr(ratio(med(w, 'ours', m), med(w, 'criu', m)))]
        L.append('| ' + ' | '.join(row) + ' |')
    L.append('')
    L.append('In the kernel (ckpt.state `duration_us`, without the start of the `ckpt` '
             'process): checkpoint and restart in ms, min / median; CRIU\'s own split of its '
             'dump (memdump, memwrite) and restore (restore_time), medians.')
    L.append('')
    L.append('| workload | ours checkpoint | ours restart | CRIU freezing | CRIU memdump '
             '| CRIU memwrite | CRIU restore |')
    L.append('|---|--:|--:|--:|--:|--:|--:|')
    for n in order:
        w = wls[n]
        L.append('| %s | %s | %s | %s | %s | %s | %s |' % (
            n, cell(w, 'ours', 'kckpt_us'), cell(w, 'ours', 'krestart_us'),
            fms(med(w, 'criu', 'freezing_us')), fms(med(w, 'criu', 'memdump_us')),
            fms(med(w, 'criu', 'memwrite_us')), fms(med(w, 'criu', 'restore_us'))))
    mems = mem_workloads(wls)
    if mems:
        L.append('')
        L.append('Throughput: MiB of workload memory per second of checkpoint or restart '
                 '(medians), and the share of the limits.')
        L.append('')
        L.append('| workload | ours checkpoint | % memcpy | % dd | CRIU dump | % memcpy '
                 '| ours restart | CRIU restore |')
        L.append('|---|--:|--:|--:|--:|--:|--:|--:|')
        for mib, n in mems:
            w = wls[n]

            def thr(s, m):
                t = med(w, s, m)
                return mib / (t / 1e6) if t else None
            o, c = thr('ours', 'ckpt_us'), thr('criu', 'ckpt_us')
            pct = lambda x, lim: fr(100 * ratio(x, limits.get(lim)), 0) if ratio(x, limits.get(lim)) is not None else '-'
            L.append('| %s | %s | %s | %s | %s | %s | %s | %s |' % (
                n, fr(o, 1), pct(o, 'memcpy_mibs'), pct(o, 'dd_mibs'), fr(c, 1),
                pct(c, 'memcpy_mibs'), fr(thr('ours', 'restart_us'), 1),
                fr(thr('criu', 'restart_us'), 1)))
    L.append('')
    L.append('Memory the checkpointer used: the peak growth, during the checkpoint, of '
             'anonymous memory, page tables, kernel stacks, unreclaimable slab and '
             'vmalloc (bench/workloads/memwatch.c; the image on tmpfs is not counted), '
             'KiB, min / median.')
    L.append('')
    L.append('| workload | workload MiB | ours | CRIU | ratio |')
    L.append('|---|--:|--:|--:|--:|')
    for n in order:
        w = wls[n]
        fk = lambda x: '-' if x is None else '%.0f' % x
        cm = lambda s: '%s / %s' % (fk(w.get(s, {}).get('min', {}).get('mem_kib')),
                                    fk(med(w, s, 'mem_kib')))
        L.append('| %s | %d | %s | %s | %s |' % (n, w['mem_mib'], cm('ours'), cm('criu'),
                                                 fr(ratio(med(w, 'ours', 'mem_kib'),
                                                          med(w, 'criu', 'mem_kib')))))
    if units:
        L.append('')
        L.append('Cost of one more process, thread or mapping (workload minus counter, '
                 'medians, divided by the count): ms and image bytes.')
        L.append('')
        L.append('| workload | per | ours checkpoint | CRIU dump | ours restart | CRIU restore '
                 '| ours bytes | CRIU bytes |')
        L.append('|---|---|--:|--:|--:|--:|--:|--:|')
        for u in units:
            f3 = lambda x: '-' if x is None else '%.2f' % (x / 1000)
            fb = lambda x: '-' if x is None else '%.0f' % x
            L.append('| %s | %s | %s | %s | %s | %s | %s | %s |' % (
                u['workload'], u['unit'], f3(u['ours_ckpt_us']), f3(u['criu_ckpt_us']),
                f3(u['ours_restart_us']), f3(u['criu_restart_us']), fb(u['ours_size']),
                fb(u['criu_size'])))
    if tgts:
        L.append('')
        L.append('Targets of issue 6 (medians of the largest memory workload):')
        L.append('')
        L.append('| target | workload | measured | goal | met |')
        L.append('|---|---|--:|--:|---|')
        for t in tgts:
            L.append('| %s | %s | %s | %s | %s |' % (t['target'], t['workload'],
                                                      fr(t['value']), t['goal'],
                                                      'yes' if t['met'] else 'no'))
    L.append('')
    return '\n'.join(L)


def chart(wls, limits, outdir):
    mems = mem_workloads(wls)
    gp = shutil.which('gnuplot')
    if not mems or not gp:
        return None if mems else 'no memory workload'
    dat = os.path.join(outdir, 'chart.dat')
    with open(dat, 'w') as f:
        f.write('# MiB ours_ckpt criu_dump ours_restart criu_restore ours_frozen '
                'criu_frozen memcpy dd (seconds, medians)\n')
        for mib, n in mems:
            w = wls[n]
            vals = [med(w, s, m) for m in ('ckpt_us', 'restart_us', 'frozen_us')
                    for s in SYSTEMS]
            ck, cc, rk, rc, fk, fc = vals
            lim = [mib / limits[k] if limits.get(k) else None for k in ('memcpy_mibs', 'dd_mibs')]
            f.write(' '.join(['%d' % mib] +
                             ['NaN' if v is None else '%.6f' % (v / 1e6)
                              for v in (ck, cc, rk, rc, fk, fc)] +
                             ['NaN' if v is None else '%.6f' % v for v in lim]) + '\n')
    png = os.path.join(outdir, 'chart.png')
    script = '''
set terminal pngcairo size 1000,600 noenhanced
set output '%s'
set title 'ckpt vs CRIU: time against memory size (medians; TCG guest, one run)'
set xlabel 'touched anonymous memory (MiB)'
set ylabel 'seconds'
set logscale xy
set key outside right top
set grid
plot '%s' using 1:2 with linespoints lw 2 lc rgb '#1f77b4' title 'ckpt checkpoint', \\
     '' using 1:3 with linespoints lw 2 lc rgb '#d62728' title 'criu dump', \\
     '' using 1:4 with linespoints lw 2 dt 2 lc rgb '#1f77b4' title 'ckpt restart', \\
     '' using 1:5 with linespoints lw 2 dt 2 lc rgb '#d62728' title 'criu restore', \\
     '' using 1:6 with linespoints lw 1 dt 3 lc rgb '#17becf' title 'ckpt frozen', \\
     '' using 1:7 with linespoints lw 1 dt 3 lc rgb '#ff7f0e' title 'criu frozen', \\
     '' using 1:8 with lines lw 1 lc rgb '#7f7f7f' title 'memcpy limit', \\
     '' using 1:9 with lines lw 1 dt 4 lc rgb '#7f7f7f' title 'dd-to-tmpfs limit'
''' % (png, dat)
    with open(os.path.join(outdir, 'chart.gp'), 'w') as f:
        f.write(script)
    r = subprocess.run([gp, os.path.join(outdir, 'chart.gp')], capture_output=True, text=True)
    if r.returncode:
        return 'gnuplot failed: ' + r.stderr.strip()
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    log, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    info, limits, raw, criu, done = parse(log)
    if not raw:
        print('report: no BENCH-RAW line in %s' % log, file=sys.stderr)
        return 1
    wls = summarize(raw, criu)
    tgts = targets(wls, limits)
    units = per_unit(wls)
    when = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(os.path.getmtime(log)))
    md = markdown(info, limits, wls, tgts, units, when)
    with open(os.path.join(outdir, 'results.md'), 'w') as f:
        f.write(md)
    doc = {'date': when, 'info': info, 'limits': limits, 'complete': done is not None,
           'workloads': wls, 'targets': tgts, 'per_unit': units}
    with open(os.path.join(outdir, 'results.json'), 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write('\n')
    err = chart(wls, limits, outdir)
    if err:
        print('report: no chart: %s' % err, file=sys.stderr)
    print(md)
    print('report: %s/results.md, results.json%s' % (outdir, '' if err else ', chart.png'))
    failed = sum(s.get('failed', 0) for w in wls.values() for s in
                 (w.get(x, {}) for x in SYSTEMS))
    if done is None:
        print('report: the benchmark did not finish (no BENCH-DONE line)', file=sys.stderr)
        return 1
    if failed:
        print('report: %d run(s) failed their checks' % failed, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
