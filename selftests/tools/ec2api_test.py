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


def scenario_unsigned():
    return status_code(send("POST", "Action=DescribeVpcs&Version=2016-11-15",
                            {"Content-Type": FORM}))


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
