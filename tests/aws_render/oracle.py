# Renders tests/aws_render/*.in.json with awscli's own formatters (the oracle).
import json, io, glob, os, sys, argparse
from awscli.formatter import get_formatter
for path in sorted(glob.glob(sys.argv[1] + '/*.in.json')):
    doc = json.load(open(path))
    base = path[:-len('.in.json')]
    for fmt in ['json', 'text', 'table']:
        args = argparse.Namespace(query=None, color='off')
        out = io.StringIO()
        f = get_formatter(fmt, args)
        resp = json.loads(json.dumps(doc['response']))
        if fmt == 'table':
            f.table._terminal_width = 80
        f(doc['operation'], resp, out)
        open(base + '.' + fmt, 'w').write(out.getvalue())
