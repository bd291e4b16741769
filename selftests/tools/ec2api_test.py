#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""ec2api_test.py - the parts of test_ec2api.sh that need boto3 or raw HTTP.

usage: ec2api_test.py PORT SCENARIO [ARGS...]
Prints one line, the scenario's result, which test_ec2api.sh compares; exits 0
unless the scenario itself broke. Credentials and region come from the
environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
"""
import datetime
import http.client
import json
import os
import re
import socket
import sys
import threading
import time

import boto3
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

PORT = int(sys.argv[1])
HOST = "127.0.0.1:%d" % PORT
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
FORM = "application/x-www-form-urlencoded; charset=utf-8"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def client(secret=None):
    return boto3.client(
        "ec2", endpoint_url="http://" + HOST, region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}))


def send(method, body=b"", headers=None, path="/", timeout=30):
    """One request on a new connection: (status, error code or "", request id, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read().decode("utf-8", "replace")
    conn.close()
    code = re.search(r"<Code>([^<]*)</Code>", data)
    rid = re.search(r"<(?:RequestID|requestId)>([^<]*)<", data)
    return resp.status, code.group(1) if code else "", rid.group(1) if rid else "", data


def signed(body, skew=0, secret=None):
    """Headers of a POST of @body signed by botocore's SigV4Auth, @skew seconds off."""
    req = AWSRequest(method="POST", url="http://%s/" % HOST, data=body,
                     headers={"Content-Type": FORM})
    creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"],
                        secret or os.environ["AWS_SECRET_ACCESS_KEY"])
    real = botocore.auth.datetime.datetime

    class Skewed(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() + datetime.timedelta(seconds=skew)

    botocore.auth.datetime.datetime = Skewed
    try:
        botocore.auth.SigV4Auth(creds, "ec2", REGION).add_auth(req)
    finally:
        botocore.auth.datetime.datetime = real
    return {k: v for k, v in req.headers.items()}


def status_code(result):
    return "%d %s" % (result[0], result[1] or "-")


def scenario_paginate():
    """Page sizes, the total, and whether the ids came sorted and once each."""
    pages = client().get_paginator("describe_network_interfaces").paginate(
        PaginationConfig={"PageSize": 5})
    sizes, ids = [], []
    for page in pages:
        sizes.append(len(page["NetworkInterfaces"]))
        ids += [n["NetworkInterfaceId"] for n in page["NetworkInterfaces"]]
    order = "sorted" if ids == sorted(set(ids)) else "unsorted"
    return "%s %d %s" % (",".join(map(str, sizes)), len(ids), order)


def scenario_paginate_filtered():
    """A filtered walk: its token is bound to the filter, and another filter refuses it."""
    c = client()
    flt = [{"Name": "status", "Values": ["available"]}]
    first = c.describe_network_interfaces(Filters=flt, MaxResults=5)
    token = first["NextToken"]
    second = c.describe_network_interfaces(Filters=flt, MaxResults=5, NextToken=token)
    try:
        c.describe_network_interfaces(Filters=[{"Name": "status", "Values": ["in-use"]}],
                                      MaxResults=5, NextToken=token)
        other = "accepted"
    except ClientError as e:
        other = e.response["Error"]["Code"]
    return "%d %d %s" % (len(first["NetworkInterfaces"]), len(second["NetworkInterfaces"]), other)


def scenario_call(op, args="{}", secret=None):
    """boto3 client call: "ok" or the ClientError's code and HTTP status."""
    try:
        getattr(client(secret), op)(**json.loads(args))
        return "ok"
    except ClientError as e:
        return "%s %d" % (e.response["Error"]["Code"],
                          e.response["ResponseMetadata"]["HTTPStatusCode"])


def scenario_wrong_secret():
    return scenario_call("describe_vpcs", "{}", secret="not-the-secret")


def scenario_expired():
    """A request signed by hand with an X-Amz-Date 20 minutes in the past."""
    body = "Action=DescribeVpcs&Version=2016-11-15"
    return status_code(send("POST", body, signed(body, skew=-20 * 60)))


def scenario_unsigned(body="Action=DescribeVpcs&Version=2016-11-15"):
    return status_code(send("POST", body, {"Content-Type": FORM}))


def scenario_body(body):
    """A signed POST of @body, which may be malformed on purpose."""
    return status_code(send("POST", body, signed(body)))


def scenario_big():
    """A 2 MiB Content-Length (answered before the body is sent), then a chunked body past 1 MiB."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    s.sendall(b"POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
              % (HOST.encode(), FORM.encode(), 2 << 20))
    data = b""
    while b"</Response>" not in data:
        more = s.recv(65536)
        if not more:
            break
        data += more
    s.close()
    head = data.decode("latin-1")
    code = re.search(r"<Code>([^<]*)</Code>", head)
    first = "%s %s" % (head[9:12] or "closed", code.group(1) if code else "-")
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.putrequest("POST", "/")
        conn.putheader("Content-Type", FORM)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        chunk = b"x" * 65536
        for _ in range(24):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
        second = str(conn.getresponse().status)
    except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
        second = "closed"
    conn.close()
    return "%s %s" % (first, second)


def scenario_garbage():
    """Bytes that are no HTTP, a header without end, a request line too long."""
    answers = []
    for junk in (bytes(range(256)) * 4 + b"\r\n\r\n",
                 b"POST / HTTP/1.1\r\nHost: x\r\nX-Y: " + b"z" * 100000 + b"\r\n\r\n",
                 b"GET /" + b"a" * 200000 + b" HTTP/1.1\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        try:
            s.sendall(junk)
            answers.append(s.recv(12).decode("latin-1")[9:12] or "closed")
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            answers.append("closed")
        s.close()
    return " ".join(answers)


def scenario_parallel(n):
    """@n signed DescribeNetworkInterfaces at once, each on its own connection."""
    n = int(n)
    body = "Action=DescribeNetworkInterfaces&Version=2016-11-15"
    headers = signed(body)
    results = [None] * n

    def one(i):
        try:
            results[i] = send("POST", body, headers, timeout=60)[0]
        except OSError as e:
            results[i] = str(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return "%d/%d" % (sum(1 for r in results if r == 200), n)


def scenario_slow(n):
    """@n slow clients hold connections open (a request line and half a header, a body that
    stops short of its Content-Length); a signed request on a new connection is answered at
    once meanwhile, and the slow ones are still waiting, not answered. Then they go."""
    n = int(n)
    held = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        if i % 2:
            s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        else:
            s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nAction=")
        held.append(s)
    body = "Action=DescribeVpcs&Version=2016-11-15"
    start = time.monotonic()
    status = send("POST", body, signed(body), timeout=10)[0]
    took = time.monotonic() - start
    waiting = 0
    for s in held:
        s.setblocking(False)
        try:
            s.recv(1)  # an answer, or the connection closed: not waiting
        except BlockingIOError:
            waiting += 1
        s.close()
    return "%d %s %d/%d" % (status, "at-once" if took < 5 else "after-%.1fs" % took, waiting, n)


def scenario_many(total, at_once):
    """@total signed requests, @at_once at a time, each on its own connection."""
    total, at_once = int(total), int(at_once)
    body = "Action=DescribeVpcs&Version=2016-11-15"
    headers = signed(body)
    ok = [0]
    lock = threading.Lock()
    left = list(range(total))

    def worker():
        while True:
            with lock:
                if not left:
                    return
                left.pop()
            try:
                code = send("POST", body, headers, timeout=60)[0]
            except OSError:
                code = 0
            with lock:
                ok[0] += code == 200

    threads = [threading.Thread(target=worker) for _ in range(at_once)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return "%d/%d" % (ok[0], total)


def scenario_request_ids():
    """Request ids of a success and of errors: UUID version 4, each different."""
    body = "Action=DescribeVpcs&Version=2016-11-15"
    ids = [send("POST", body, signed(body))[2], send("POST", body, {"Content-Type": FORM})[2],
           send("POST", body, signed(body))[2]]
    v4 = all(UUID4.match(i) for i in ids)
    return "%s %s" % ("v4" if v4 else "not-v4:" + ",".join(ids),
                      "distinct" if len(set(ids)) == len(ids) else "repeated")


def scenario_get():
    """The same call as a GET with the query string, signed as botocore signs it."""
    query = "Action=DescribeVpcs&Version=2016-11-15"
    req = AWSRequest(method="GET", url="http://%s/?%s" % (HOST, query))
    creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    botocore.auth.SigV4Auth(creds, "ec2", REGION).add_auth(req)
    r = send("GET", b"", dict(req.headers.items()), path="/?" + query)
    return "%d %s" % (r[0], "vpc-default" if "<vpcId>vpc-default</vpcId>" in r[3] else "-")


def scenario_presigned():
    query = "Action=DescribeVpcs&Version=2016-11-15"
    req = AWSRequest(method="GET", url="http://%s/?%s" % (HOST, query))
    creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    botocore.auth.SigV4QueryAuth(creds, "ec2", REGION, expires=60).add_auth(req)
    r = send("GET", b"", {}, path=req.url[len("http://" + HOST):])
    return "%d %s" % (r[0], "vpc-default" if "<vpcId>vpc-default</vpcId>" in r[3] else r[1])


def scenario_pg_limit():
    """Placement groups made until refused: how many there were then, the code, and whether
    deleting the ones made brought the list back to what it was."""
    c = client()

    def names():
        return sorted(g["GroupName"] for g in c.describe_placement_groups()["PlacementGroups"])

    before, made, code = names(), [], "none"
    while len(made) < 1000:
        try:
            c.create_placement_group(GroupName="limit-%d" % len(made), Strategy="cluster")
            made.append("limit-%d" % len(made))
        except ClientError as e:
            code = e.response["Error"]["Code"]
            break
    at_limit = len(names())
    for name in made:
        c.delete_placement_group(GroupName=name)
    return "%d %s %s" % (at_limit, code, "same" if names() == before else "changed")


class Suite:
    """Many checks in one process: prints "ok DESC" or "not ok DESC: DETAIL" per check."""

    def __init__(self):
        self.ec2 = client()
        self.lines = []

    def check(self, desc, cond, detail=""):
        self.lines.append(("ok " if cond else "not ok ") + desc + ("" if cond else ": " + detail))
        return cond

    def equal(self, desc, got, want):
        return self.check(desc, got == want, "got %r, expected %r" % (got, want))

    def call(self, op, **kw):
        """The call's result, or its error code as a string."""
        try:
            return getattr(self.ec2, op)(**kw)
        except ClientError as e:
            return e.response["Error"]["Code"]

    def ok(self, desc, op, **kw):
        """@op succeeds (some answer nothing but their request id)."""
        got = self.call(op, **kw)
        self.check(desc, isinstance(got, dict), "got " + repr(got))
        return got

    def code(self, desc, want, op, **kw):
        """@op fails with @want; with @same, what @same() returns is as it was."""
        same = kw.pop("same", None)
        before = same() if same else None
        got = self.call(op, **kw)
        ok = self.equal(desc, got if isinstance(got, str) else "ok", want)
        if same and ok:
            self.equal(desc + ": nothing changed", same(), before)

    def raw(self, body):
        """A signed POST of @body: the HTTP status and the error code ("" on success)."""
        r = send("POST", body, signed(body))
        return "%d %s" % (r[0], r[1] or "-")


def perm(proto, frm=None, to=None, cidrs=(), cidrs6=(), groups=()):
    p = {"IpProtocol": proto}
    if frm is not None:
        p["FromPort"], p["ToPort"] = frm, to
    if cidrs:
        p["IpRanges"] = [{"CidrIp": c} for c in cidrs]
    if cidrs6:
        p["Ipv6Ranges"] = [{"CidrIpv6": c} for c in cidrs6]
    if groups:
        p["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    return p


def scenario_sg_suite():
    """Security groups through boto3 and raw requests; the world is left as found."""
    t = Suite()
    ec2 = t.ec2

    def groups():
        return sorted((g["GroupId"], g["GroupName"]) for g in ec2.describe_security_groups()["SecurityGroups"])

    def group(gid):
        return ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]

    def rules(gid, egress=False):
        g = group(gid)
        return g["IpPermissionsEgress" if egress else "IpPermissions"]

    # CreateSecurityGroup
    t.code("create DryRun: DryRunOperation", "DryRunOperation", "create_security_group",
           GroupName="x", Description="x", DryRun=True, same=groups)
    for desc, want, name, more in [
            ("create named default: InvalidGroup.Reserved", "InvalidGroup.Reserved", "Default", {}),
            ("create named sg-*: InvalidParameterValue", "InvalidParameterValue", "sg-web", {}),
            ("create named WEB (web exists, names ignore case): InvalidGroup.Duplicate",
             "InvalidGroup.Duplicate", "WEB", {}),
            ("a description with a character EC2 refuses: InvalidParameterValue", "InvalidParameterValue",
             "x", {"Description": "caf\u00e9"}),
            ("a 256-character name: InvalidParameterValue", "InvalidParameterValue", "n" * 256, {}),
            ("create in an unknown VPC: InvalidVpcID.NotFound", "InvalidVpcID.NotFound", "x",
             {"VpcId": "vpc-0123456789abcdef0"})]:
        t.code(desc, want, "create_security_group", GroupName=name, **dict({"Description": "x"}, **more),
               same=groups)
    t.equal("create without GroupDescription: MissingParameter",
            t.raw("Action=CreateSecurityGroup&Version=2016-11-15&GroupName=x"), "400 MissingParameter")
    made = t.call("create_security_group", GroupName="db  ", Description="db servers ")
    db = made.get("GroupId", "") if isinstance(made, dict) else ""
    t.check("create without VpcId: in the default VPC, an sg- id", db.startswith("sg-"), repr(made))
    g = group(db) if db else {}
    t.equal("... its name and description trimmed, no ingress, all out",
            [g.get("GroupName"), g.get("Description"), g.get("VpcId"), g.get("IpPermissions"),
             [(p["IpProtocol"], p["IpRanges"]) for p in g.get("IpPermissionsEgress", [])]],
            ["db", "db servers", "vpc-default", [], [("-1", [{"CidrIp": "0.0.0.0/0"}])]])

    # Authorize: the forms, ICMP, IPv6, groups
    r = t.ok("the flat form (IpProtocol, FromPort, ToPort, CidrIp)", "authorize_security_group_ingress",
             GroupId=db, IpProtocol="tcp", FromPort=5432, ToPort=5432, CidrIp="172.31.0.0/16")
    t.equal("... answers return true", isinstance(r, dict) and r.get("Return"), True)
    t.equal("UserIdGroupPairs.1.GroupId on the wire, as the API reference names it",
            t.raw("Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=%s"
                  "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=6432&IpPermissions.1.ToPort=6432"
                  "&IpPermissions.1.UserIdGroupPairs.1.GroupId=sg-1" % db), "200 -")
    t.ok("GroupName of the target and of the peer (default VPC)",
         "authorize_security_group_ingress", GroupName="db", IpPermissions=[
                {"IpProtocol": "udp", "FromPort": -1, "ToPort": -1, "UserIdGroupPairs": [{"GroupName": "web"}]},
                perm("icmp", 8, -1, cidrs=["10.0.0.0/8"]), perm("icmpv6", 128, 0, cidrs6=["2001:db8::/32"]),
                perm("-1", 0, 0, cidrs6=["::/0"]), perm("50", 1, 2, cidrs=["192.0.2.0/24"])])
    shown = sorted((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"),
                    [r["CidrIp"] for r in p["IpRanges"]], [r["CidrIpv6"] for r in p["Ipv6Ranges"]],
                    [(u["GroupId"], u["UserId"]) for u in p["UserIdGroupPairs"]]) for p in rules(db))
    t.equal("describe: ports, ICMP type and code, IPv6 ranges, groups; udp -1 is 0-65535, "
            "-1 and 50 without ports", shown, sorted([
                ("-1", None, None, [], ["::/0"], []),
                ("50", None, None, ["192.0.2.0/24"], [], []),
                ("icmp", 8, -1, ["10.0.0.0/8"], [], []),
                ("icmpv6", 128, 0, [], ["2001:db8::/32"], []),
                ("tcp", 5432, 5432, ["172.31.0.0/16"], [], []),
                ("tcp", 6432, 6432, [], [], [("sg-1", "123456789012")]),
                ("udp", 0, 65535, [], [], [("sg-1", "123456789012")])]))
    t.ok("two peers in one permission", "authorize_security_group_ingress", GroupId=db,
         IpPermissions=[perm("tcp", 22, 22, cidrs=["198.51.100.0/24", "203.0.113.0/24"])])
    t.equal("... are one item, as EC2 shows them",
            [len(p["IpRanges"]) for p in rules(db) if p.get("FromPort") == 22], [2])

    # Authorize: refusals change nothing
    any4 = ["0.0.0.0/0"]
    for desc, want, perms in [
            ("a rule that exists", "InvalidPermission.Duplicate",
             [perm("tcp", 80, 80, cidrs=any4), perm("tcp", 5432, 5432, cidrs=["172.31.0.0/16"])]),
            ("the same rule twice in one request", "InvalidPermission.Duplicate",
             [perm("tcp", 81, 81, cidrs=any4 * 2)]),
            ("a block with host bits after a good rule (which is undone)", "InvalidParameterValue",
             [perm("tcp", 82, 82, cidrs=any4 + ["10.0.0.1/8"])]),
            ("a malformed block", "InvalidParameterValue", [perm("tcp", 83, 83, cidrs=["10.0.0.300/8"])]),
            ("tcp without ports", "InvalidParameterValue", [perm("tcp", cidrs=any4)]),
            ("a backwards port range", "InvalidParameterValue", [perm("udp", 90, 80, cidrs=any4)]),
            ("an unknown protocol", "InvalidParameterValue", [perm("sctp-ish", cidrs=any4)]),
            ("any ICMP type with one code", "InvalidParameterValue", [perm("icmp", -1, 3, cidrs=any4)]),
            ("a permission without a peer", "MissingParameter", [perm("tcp", 1, 2)]),
            ("an unknown peer group", "InvalidGroup.NotFound",
             [perm("tcp", 1, 2, groups=["sg-0123456789abcdef0"])])]:
        t.code("%s: %s" % (desc, want), want, "authorize_security_group_ingress", GroupId=db,
               IpPermissions=perms, same=lambda: rules(db))
    t.code("an unknown group: InvalidGroup.NotFound", "InvalidGroup.NotFound",
           "authorize_security_group_ingress", GroupId="sg-0123456789abcdef0",
           IpPermissions=[perm("tcp", 1, 2, cidrs=["0.0.0.0/0"])])
    t.code("a malformed group id: InvalidGroupId.Malformed", "InvalidGroupId.Malformed",
           "authorize_security_group_egress", GroupId="web",
           IpPermissions=[perm("tcp", 1, 2, cidrs=["0.0.0.0/0"])])
    t.code("DryRun authorize: DryRunOperation", "DryRunOperation", "authorize_security_group_ingress",
           GroupId=db, IpPermissions=[perm("tcp", 84, 84, cidrs=any4)], DryRun=True, same=lambda: rules(db))
    t.equal("the flat form with IpPermissions: InvalidParameterCombination",
            t.raw("Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=%s&IpProtocol=tcp"
                  "&FromPort=1&ToPort=1&CidrIp=0.0.0.0/0&IpPermissions.1.IpProtocol=-1"
                  "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0" % db), "400 InvalidParameterCombination")

    # The rule quota: 60 per direction and family, a group rule counting for both
    lim = t.ok("create another", "create_security_group", GroupName="limits", Description="quota")["GroupId"]
    blocks = ["10.%d.0.0/16" % i for i in range(61)]
    t.code("61 IPv4 ingress rules in one request: RulesPerSecurityGroupLimitExceeded",
           "RulesPerSecurityGroupLimitExceeded", "authorize_security_group_ingress", GroupId=lim,
           IpPermissions=[perm("tcp", 443, 443, cidrs=blocks)], same=lambda: rules(lim))
    t.ok("60 are taken", "authorize_security_group_ingress", GroupId=lim,
         IpPermissions=[perm("tcp", 443, 443, cidrs=blocks[:60])])
    t.code("the 61st: RulesPerSecurityGroupLimitExceeded", "RulesPerSecurityGroupLimitExceeded",
           "authorize_security_group_ingress", GroupId=lim, IpPermissions=[perm("tcp", 80, 80, cidrs=[blocks[60]])])
    t.code("a group rule counts for IPv4 too: RulesPerSecurityGroupLimitExceeded",
           "RulesPerSecurityGroupLimitExceeded", "authorize_security_group_ingress", GroupId=lim,
           IpPermissions=[perm("tcp", 80, 80, groups=["sg-1"])])
    t.ok("IPv6 has its own 60", "authorize_security_group_ingress", GroupId=lim,
         IpPermissions=[perm("tcp", 80, 80, cidrs6=["::/0"])])

    # Revoke
    same = lambda: rules(lim)
    t.code("revoke a rule that does not exist: InvalidPermission.NotFound", "InvalidPermission.NotFound",
           "revoke_security_group_ingress", GroupId=lim, IpPermissions=[perm("tcp", 444, 444, cidrs=[blocks[0]])],
           same=same)
    t.code("revoke one that exists with one that does not: InvalidPermission.NotFound, both kept",
           "InvalidPermission.NotFound", "revoke_security_group_ingress", GroupId=lim,
           IpPermissions=[perm("tcp", 443, 443, cidrs=[blocks[0], blocks[60]])], same=same)
    t.code("DryRun revoke: DryRunOperation", "DryRunOperation", "revoke_security_group_ingress",
           GroupId=lim, IpPermissions=[perm("tcp", 443, 443, cidrs=[blocks[0]])], DryRun=True, same=same)
    t.ok("revoke 60 rules in one request", "revoke_security_group_ingress", GroupId=lim,
         IpPermissions=[perm("tcp", 443, 443, cidrs=blocks[:60])])
    t.equal("... the IPv6 rule is left", [(p["FromPort"], p["Ipv6Ranges"]) for p in rules(lim)],
            [(80, [{"CidrIpv6": "::/0"}])])
    t.ok("revoke the egress all-out rule by the flat form", "revoke_security_group_egress",
         GroupId=lim, IpProtocol="-1", CidrIp="0.0.0.0/0")
    t.equal("... no egress rule is left", rules(lim, egress=True), [])

    # Filters and pages
    def ids(**kw):
        return [g["GroupId"] for g in ec2.describe_security_groups(**kw)["SecurityGroups"]]

    t.equal("filter ip-permission.group-id", ids(Filters=[{"Name": "ip-permission.group-id", "Values": ["sg-1"]}]), [db])
    t.equal("filter ip-permission.ipv6-cidr", ids(Filters=[{"Name": "ip-permission.ipv6-cidr", "Values": ["::/0"]}]),
            sorted([db, lim]))
    t.equal("filter egress.ip-permission.protocol=-1 (who may send anything)",
            ids(Filters=[{"Name": "egress.ip-permission.protocol", "Values": ["-1"]},
                         {"Name": "description", "Values": ["db*"]}]), [db])
    t.equal("filter ip-permission.to-port and ip-permission.cidr",
            ids(Filters=[{"Name": "ip-permission.to-port", "Values": ["22"]},
                         {"Name": "ip-permission.cidr", "Values": ["203.0.113.0/24"]}]), sorted([db, "sg-1"]))
    t.code("an unknown filter: InvalidParameterValue", "InvalidParameterValue", "describe_security_groups",
           Filters=[{"Name": "colour", "Values": ["red"]}])
    t.code("GroupName of a group that does not exist: InvalidGroup.NotFound", "InvalidGroup.NotFound",
           "describe_security_groups", GroupNames=["nosuch"])
    t.code("GroupIds with GroupNames: InvalidParameterCombination", "InvalidParameterCombination",
           "describe_security_groups", GroupIds=[db], GroupNames=["db"])
    pages = [len(p["SecurityGroups"]) for p in ec2.get_paginator("describe_security_groups").paginate(
        PaginationConfig={"PageSize": 5})]
    t.equal("pages of 5: every group once", sum(pages), len(groups()))

    # An ENI's groups: their names in DescribeNetworkInterfaces
    eni = ec2.create_network_interface(SubnetId="subnet-default", Groups=[db, lim])["NetworkInterface"]
    t.equal("an ENI's groupSet names the new groups",
            sorted((x["GroupId"], x["GroupName"]) for x in eni["Groups"]), sorted([(db, "db"), (lim, "limits")]))
    t.code("delete a group an ENI has: DependencyViolation", "DependencyViolation", "delete_security_group",
           GroupId=lim, same=groups)
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[perm("tcp", 7000, 7000, groups=[lim])])
    t.code("delete a group another group's rule names: DependencyViolation", "DependencyViolation",
           "delete_security_group", GroupId=lim, same=groups)
    ec2.revoke_security_group_ingress(GroupId=db, IpPermissions=[perm("tcp", 7000, 7000, groups=[lim])])
    t.code("delete the default group: CannotDelete", "CannotDelete", "delete_security_group",
           GroupName="default", same=groups)
    t.code("DryRun delete: DryRunOperation", "DryRunOperation", "delete_security_group", GroupId=lim,
           DryRun=True, same=groups)
    t.code("GroupId with GroupName: InvalidParameterCombination", "InvalidParameterCombination",
           "delete_security_group", GroupId=lim, GroupName="limits", same=groups)

    # The fake's table holds 8 groups (vnitro has no limit): its ENOSPC is SecurityGroupLimitExceeded
    extra = []
    while len(extra) < 10:
        r = t.call("create_security_group", GroupName="fill%d" % len(extra), Description="fill")
        if isinstance(r, str):
            break
        extra.append(r["GroupId"])
    t.equal("creating past the table: SecurityGroupLimitExceeded", r, "SecurityGroupLimitExceeded")
    for gid in extra:
        ec2.delete_security_group(GroupId=gid)

    t.ok("delete by GroupName (default VPC)", "delete_security_group", GroupName="limits")
    t.ok("delete by GroupId", "delete_security_group", GroupId=db)
    t.code("... then it is gone: InvalidGroup.NotFound", "InvalidGroup.NotFound", "delete_security_group", GroupId=db)
    t.equal("the groups are as they were", groups(), [("sg-1", "web"), ("sg-d", "default")])
    return "\n".join(t.lines)


def scenario_eip_suite(second):
    """Elastic IPs through boto3; @second is an attached ENI of i-host. The world is left as found."""
    t = Suite()
    ec2 = t.ec2

    def addresses():
        return sorted((a["AllocationId"], a.get("AssociationId"), a.get("NetworkInterfaceId"),
                       a.get("PrivateIpAddress"), a.get("InstanceId"))
                      for a in ec2.describe_addresses()["Addresses"])

    def address(alloc):
        return ec2.describe_addresses(AllocationIds=[alloc])["Addresses"][0]

    def eni(eid):
        return ec2.describe_network_interfaces(NetworkInterfaceIds=[eid])["NetworkInterfaces"][0]

    start = addresses()
    t.code("allocate DryRun: DryRunOperation", "DryRunOperation", "allocate_address", Domain="vpc",
           DryRun=True, same=addresses)
    t.code("Domain standard (EC2-Classic): InvalidParameterValue", "InvalidParameterValue", "allocate_address",
           Domain="standard", same=addresses)
    t.code("an Address outside the pool: InvalidAddress.NotFound", "InvalidAddress.NotFound", "allocate_address",
           Address="198.51.100.7", same=addresses)
    t.code("an Address allocated already: InvalidAddress.InUse", "InvalidAddress.InUse", "allocate_address",
           Address="203.0.113.1", same=addresses)
    a = t.ok("allocate Address 203.0.113.77", "allocate_address", Address="203.0.113.77")
    t.equal("... answers it, in the domain vpc", [a.get("PublicIp"), a.get("Domain")], ["203.0.113.77", "vpc"])
    alloc = a["AllocationId"]
    more = [t.ok("allocate the lowest free address", "allocate_address")["AllocationId"] for _ in range(2)]
    t.code("a sixth address: AddressLimitExceeded", "AddressLimitExceeded", "allocate_address", same=addresses)

    # AssociateAddress
    web1 = "eni-00000000000000001"
    assoc = t.call("associate_address", AllocationId=alloc, InstanceId="web1")
    t.check("associate with InstanceId web1 (one ENI): an association id",
            isinstance(assoc, dict) and assoc["AssociationId"].startswith("eipassoc-"), repr(assoc))
    got = address(alloc)
    t.equal("describe: web1's ENI, its primary address, the instance",
            [got.get("InstanceId"), got.get("NetworkInterfaceId"), got.get("PrivateIpAddress"),
             got.get("NetworkInterfaceOwnerId")], ["web1", web1, "172.31.0.16", "123456789012"])
    t.equal("DescribeNetworkInterfaces shows the association",
            eni(web1).get("Association"), {"AllocationId": alloc, "AssociationId": assoc["AssociationId"],
                                           "IpOwnerId": "123456789012", "PublicDnsName": "",
                                           "PublicIp": "203.0.113.77"})
    inst = ec2.describe_instances(InstanceIds=["web1"])["Reservations"][0]["Instances"][0]
    t.equal("... and so does DescribeInstances, in the instance's form",
            inst["NetworkInterfaces"][0].get("Association"),
            {"IpOwnerId": "123456789012", "PublicDnsName": "", "PublicIp": "203.0.113.77"})
    t.equal("filter association.allocation-id",
            [n["NetworkInterfaceId"] for n in ec2.describe_network_interfaces(Filters=[
                {"Name": "association.allocation-id", "Values": [alloc]}])["NetworkInterfaces"]], [web1])
    t.code("associate with i-host (two ENIs): InvalidInstanceID", "InvalidInstanceID", "associate_address",
           AllocationId=more[0], InstanceId="i-host", same=addresses)
    t.code("NetworkInterfaceId with InstanceId: InvalidParameterCombination", "InvalidParameterCombination",
           "associate_address", AllocationId=more[0], InstanceId="web1", NetworkInterfaceId=web1, same=addresses)
    t.code("neither: MissingParameter", "MissingParameter", "associate_address", AllocationId=more[0],
           same=addresses)
    t.code("an unknown allocation: InvalidAllocationID.NotFound", "InvalidAllocationID.NotFound",
           "associate_address", AllocationId="eipalloc-0123456789abcdef0", NetworkInterfaceId="eni-5")
    t.code("a malformed allocation id: InvalidAllocationID.Malformed", "InvalidAllocationID.Malformed",
           "associate_address", AllocationId="alloc-1", NetworkInterfaceId="eni-5")
    t.code("an unknown ENI: InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInterfaceID.NotFound",
           "associate_address", AllocationId=more[0], NetworkInterfaceId="eni-0123456789abcdef0", same=addresses)
    t.code("a private address the ENI has not: InvalidParameterValue", "InvalidParameterValue",
           "associate_address", AllocationId=more[0], NetworkInterfaceId="eni-5", PrivateIpAddress="172.31.0.4",
           same=addresses)
    t.code("an associated address elsewhere: Resource.AlreadyAssociated", "Resource.AlreadyAssociated",
           "associate_address", AllocationId=alloc, NetworkInterfaceId="eni-5", same=addresses)
    t.code("AllowReassociation=false: Resource.AlreadyAssociated", "Resource.AlreadyAssociated",
           "associate_address", AllocationId=alloc, NetworkInterfaceId="eni-5", AllowReassociation=False,
           same=addresses)
    again = t.ok("associate again where it is", "associate_address", AllocationId=alloc, InstanceId="web1")
    t.equal("... the same association id", again.get("AssociationId"), assoc["AssociationId"])
    moved = t.call("associate_address", AllocationId=alloc, NetworkInterfaceId=second, AllowReassociation=True)
    t.check("AllowReassociation=true moves it: a new association id",
            isinstance(moved, dict) and moved["AssociationId"] != assoc["AssociationId"], repr(moved))
    t.equal("... web1's ENI has no association any more", "Association" in eni(web1), False)
    t.code("... the old association id: InvalidAssociationID.NotFound", "InvalidAssociationID.NotFound",
           "disassociate_address", AssociationId=assoc["AssociationId"])

    # A secondary address; one Elastic IP per private address
    ip = ec2.assign_private_ip_addresses(NetworkInterfaceId="eni-5", SecondaryPrivateIpAddressCount=1)[
        "AssignedPrivateIpAddresses"][0]["PrivateIpAddress"]
    sec = t.call("associate_address", AllocationId=more[0], NetworkInterfaceId="eni-5", PrivateIpAddress=ip)
    t.check("associate with a secondary address", isinstance(sec, dict), repr(sec))
    t.equal("... shown on that address of DescribeNetworkInterfaces",
            [(p["PrivateIpAddress"], p.get("Association", {}).get("AllocationId"))
             for p in eni("eni-5")["PrivateIpAddresses"]], [("172.31.0.5", None), (ip, more[0])])
    t.call("associate_address", AllocationId=more[1], NetworkInterfaceId="eni-5", PrivateIpAddress=ip)
    t.equal("a second address on it takes its place: the first is disassociated",
            [address(more[0]).get("AssociationId"), address(more[1]).get("PrivateIpAddress")], [None, ip])
    ec2.unassign_private_ip_addresses(NetworkInterfaceId="eni-5", PrivateIpAddresses=[ip])
    t.equal("unassigning the address disassociates its Elastic IP", "AssociationId" in address(more[1]), False)
    tmp = ec2.create_network_interface(SubnetId="subnet-default")["NetworkInterface"]["NetworkInterfaceId"]
    t.call("associate_address", AllocationId=more[1], NetworkInterfaceId=tmp)
    ec2.delete_network_interface(NetworkInterfaceId=tmp)
    t.equal("deleting the ENI disassociates it", "AssociationId" in address(more[1]), False)

    # DescribeAddresses
    def allocs(**kw):
        return [x["AllocationId"] for x in ec2.describe_addresses(**kw)["Addresses"]]

    t.equal("filter instance-id", allocs(Filters=[{"Name": "instance-id", "Values": ["i-host"]}]),
            sorted([alloc, "eipalloc-1"]))
    t.equal("filter association-id", allocs(Filters=[{"Name": "association-id", "Values": [moved["AssociationId"]]}]),
            [alloc])
    t.equal("filters private-ip-address and domain",
            allocs(Filters=[{"Name": "private-ip-address", "Values": ["172.31.0.4"]},
                            {"Name": "domain", "Values": ["vpc"]}]), ["eipalloc-1"])
    t.equal("filter public-ip with a wildcard", allocs(Filters=[{"Name": "public-ip", "Values": ["203.0.113.7?"]}]),
            [alloc])
    t.equal("filter network-interface-id", allocs(Filters=[{"Name": "network-interface-id", "Values": [second]}]),
            [alloc])
    t.equal("PublicIps", allocs(PublicIps=["203.0.113.2", "203.0.113.77"]), sorted([alloc, "eipalloc-2"]))
    t.code("a PublicIp not allocated: InvalidAddress.NotFound", "InvalidAddress.NotFound", "describe_addresses",
           PublicIps=["203.0.113.250"])
    t.code("an unknown AllocationId: InvalidAllocationID.NotFound", "InvalidAllocationID.NotFound",
           "describe_addresses", AllocationIds=["eipalloc-0123456789abcdef0"])
    t.code("an unknown filter: InvalidParameterValue", "InvalidParameterValue", "describe_addresses",
           Filters=[{"Name": "colour", "Values": ["red"]}])
    t.equal("MaxResults: UnknownParameter (EC2 does not page DescribeAddresses)",
            t.raw("Action=DescribeAddresses&Version=2016-11-15&MaxResults=5"), "400 UnknownParameter")

    # DisassociateAddress, ReleaseAddress
    t.code("DryRun disassociate: DryRunOperation", "DryRunOperation", "disassociate_address",
           AssociationId=moved["AssociationId"], DryRun=True, same=addresses)
    t.code("release an associated address: InvalidIPAddress.InUse", "InvalidIPAddress.InUse", "release_address",
           AllocationId=alloc, same=addresses)
    t.ok("disassociate", "disassociate_address", AssociationId=moved["AssociationId"])
    t.code("DryRun release: DryRunOperation", "DryRunOperation", "release_address", AllocationId=alloc,
           DryRun=True, same=addresses)
    for x in [alloc] + more:
        t.ok("release " + x, "release_address", AllocationId=x)
    t.code("release it again: InvalidAllocationID.NotFound", "InvalidAllocationID.NotFound", "release_address",
           AllocationId=alloc)
    t.equal("the addresses are as they were", addresses(), start)
    return "\n".join(t.lines)


def main():
    name = sys.argv[2].replace("-", "_")
    fn = globals().get("scenario_" + name)
    if not fn:
        print("unknown scenario " + sys.argv[2], file=sys.stderr)
        return 2
    print(fn(*sys.argv[3:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
