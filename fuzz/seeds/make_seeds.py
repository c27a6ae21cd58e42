#!/usr/bin/env python3
"""Writes the raw seed corpora for the fuzz targets from the bank (before `-merge=1`
minimises them into fuzz/corpus/<target>/). Run from the repository root."""
import glob, hashlib, os, re

def write(target, data):
    d = os.path.join("fuzz", "seeds-raw", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

scenario_files = sorted(glob.glob("scenarios/*.yaml"))
# The built-in bank is loaded sorted by id, which is the file name here; the session target
# picks scenario `byte % count`.
tutor = [
    "goals", "check", "hint", "explain", "map", "map --format dot", "connections", "wait 5m",
    "undo", "reset", "history", "help", "help probe", "solution",
    "probe --from internet --to web --protocol tcp --port 22",
    "probe --from 203.0.113.5/32 --to web --protocol all",
    "probe --from web --to internet --protocol icmp --port 8/-1",
    "connect --from internet --to web --protocol tcp --port 443 --id c1",
    "aws ec2 describe-security-groups --output table",
    "aws ec2 describe-security-groups --query SecurityGroups[].GroupId --output text",
    "aws ec2 describe-network-acls --query 'NetworkAcls[0].Entries[?RuleNumber>`100`]'",
    "aws ec2 describe-instances --filters Name=instance.group-name,Values=web",
    "aws ec2 create-security-group --group-name x --description y --vpc-id vpc-0a1b2c3d4e5f60718",
]
for i, f in enumerate(scenario_files):
    # Parameterised files (`${name}`) are not plain YAML: take the solution lines from the text.
    m = re.search(r"^solution:\n((?:  - .*\n|    .*\n)+)", open(f).read(), re.M)
    sol = [l[4:] for l in (m.group(1).splitlines() if m else []) if l.startswith("  - ")]
    write("session", bytes([i]) + "\n".join(sol + tutor[i % 5::5]).encode())
    for line in sol:
        write("words", line)
    write("scenario", open(f).read())
for q in ["--ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8,Description=\"a b\"}]",
          "--ip-permissions '[{\"IpProtocol\": \"tcp\", \"FromPort\": 1, \"ToPort\": 2}]'",
          "--filters Name=tag:Name,Values=a,b Name=vpc-id,Values=vpc-1",
          "--tag-specifications 'ResourceType=security-group,Tags=[{Key=Name,Value=web}]'",
          "--port-range From=1024,To=65535 --egress --rule-number 100"]:
    write("words", q)
for f in sorted(glob.glob("questions/*.yaml")):
    text = open(f).read()
    # A few questions per file, cut from the text so the seed keeps the file's own style.
    starts = [i for i in range(len(text)) if text.startswith("- id:", i) and (i == 0 or text[i-1] == "\n")]
    for a, b in zip(starts[:3], starts[1:4]):
        write("questions", text[a:b])
