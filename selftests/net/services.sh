#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# services.sh - EC2's link-local services port: what instances send to 169.254.169.254
# (and the DNS and Time Sync addresses) reaches servers in the services' namespace,
# addressed to an alias naming the asking ENI; replies come back from the service's address.
#
#   +-- i-a --+  +-- i-b --+        +-- i-c (vpc-o, i-a's address) --+
#   | $ip_a   |  | $ip_b   |        | $ip_a                          |
#   +----+----+  +----+----+        +---------------+----------------+
#        |            |                             |
#   =====+== vpc-default ==+=======  ===============+== vpc-o ==========  fabric
#                          |
#                 +--------+---- vnitro-services ----------------------+
#                 | svc0; 169.254.0.0/17 local; a server on :80 that   |
#                 | answers "LOCAL PEER" (who asked, as it sees them)  |
#                 +----------------------------------------------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

ns=vnitro-services
imds=169.254.169.254
fabric() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
svc_addr() { eni_field "$(primary_eni "$1")" svc_addr; }
# ask INSTANCE [curl options]: what the server answered the instance's GET.
ask() {
	local inst=$1
	shift
	ip netns exec "$inst" curl -sS --max-time 5 "$@" "http://$imds/"
}
# The route an instance's DHCP lease would give it (the subnet router).
route_via_router() { ip -n "$1" route replace default via "$2"; }

check_err "no services yet: show says so" "no services are plugged in" "$VNITRO" services show
check_err "no services yet: del says so" "no services are plugged in" "$VNITRO" services del

two_instances
check "vpc-o: another VPC with the same CIDR" "$VNITRO" vpc add vpc-o cidr 172.31.0.0/16
check "subnet-o" "$VNITRO" subnet add subnet-o vpc vpc-o cidr 172.31.0.0/20 az us-east-1a
check "i-c in vpc-o, with i-a's address" "$VNITRO" instance add i-c subnet subnet-o ip "$ip_a"
bring_up i-c "$(primary_eni i-c)"
for inst in i-a i-b i-c; do
	route_via_router "$inst" 172.31.0.1
done

requests=$(fabric svc_requests)
dropped=$(fabric drop_svc)
check_err "no services port: the request times out" "timed out" ask i-a
check "  ... counted as drop_svc" test "$(fabric drop_svc)" -gt "$dropped"

check "services add" "$VNITRO" services add
check_match "  ... svc0 in $ns, up" "UP" "$(ip -n "$ns" link show svc0)"
check_match "  ... the aliases are local there" "local 169.254.0.0/17 dev lo" \
	"$(ip -n "$ns" route show table local)"
check_match "  ... replies leave by svc0" "default dev svc0" "$(ip -n "$ns" route show)"
check_eq "  ... ethtool names the driver" "driver: vnitro-svc" \
	"$(ip netns exec "$ns" ethtool -i svc0 | head -1)"
refuse "a second services add is refused" "plugged in already" "$VNITRO" services add netns other
check_match "services show" "netns $ns dev svc0 .* aliases 169.254.0.0/17" "$("$VNITRO" services show)"
check_err "svc0 cannot be deleted with ip link" "not supported" ip -n "$ns" link del svc0

# A server that tells who asked, as it sees it: its local address (the alias) and the peer.
cat >/tmp/services-server.py <<'EOF'
import http.server, socketserver, socket
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # The metadata service's hop limit: TTL 1 on what it sends.
        self.connection.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 1)
        body = ("%s %s\n" % (self.connection.getsockname()[0], self.client_address[0])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("0.0.0.0", 80), H).serve_forever()
EOF
ip netns exec "$ns" python3 /tmp/services-server.py &
server=$!
wait_listen "$ns" 80

check_eq "i-a reaches the server; it sees i-a's alias and address" "$(svc_addr i-a) $ip_a" "$(ask i-a)"
check_eq "i-b: its own alias" "$(svc_addr i-b) $ip_b" "$(ask i-b)"
check_eq "i-c, same address in another VPC: its own alias" "$(svc_addr i-c) $ip_a" "$(ask i-c)"
check "  ... three ENIs, three aliases" \
	test "$(printf '%s\n' "$(svc_addr i-a)" "$(svc_addr i-b)" "$(svc_addr i-c)" | sort -u | wc -l)" -eq 3
check "the fabric counted the requests" test "$(fabric svc_requests)" -gt "$requests"
check "  ... and the replies" test "$(fabric svc_replies)" -gt 0
check_match "vnitro services show counts them" "requests [1-9][0-9]* replies [1-9]" \
	"$("$VNITRO" services show)"

dropped=$(fabric drop_svc)
check_match "ping 169.254.169.254 gets no answer (EC2 answers none)" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 1 -W 1 -q $imds 2>&1)"
check_err "TCP port 22 of 169.254.169.254: nothing" "timed out" \
	ip netns exec i-a curl -sS --max-time 2 "http://$imds:22/"
check "  ... both counted as drop_svc" test "$(fabric drop_svc)" -ge "$((dropped + 2))"

# No rule of a group or an ACL filters the services, as on EC2.
sg=$("$VNITRO" -j sg add vpc vpc-default name closed | jq -r .id)
"$VNITRO" sg rule del "$sg" egress proto all cidr 0.0.0.0/0 >/dev/null
check "i-b's ENI in a group that allows nothing" \
	"$VNITRO" eni set "$(primary_eni i-b)" security-groups "$sg"
check_match "  ... so i-b cannot reach i-a" " 100% packet loss" \
	"$(ip netns exec i-b ping -c 1 -W 1 -q "$ip_a" 2>&1)"
check_eq "  ... but still its metadata service" "$(svc_addr i-b) $ip_b" "$(ask i-b)"

# Distributions that add a link-scope 169.254.0.0/16 route ARP for the service.
ip -n i-a route replace 169.254.169.254/32 dev eth0
check_eq "169.254.169.254 on-link: the VPC answers its ARP, the request gets through" \
	"$(svc_addr i-a) $ip_a" "$(ask i-a)"
check_match "  ... at the subnet router's MAC" "lladdr 02:56:4e" \
	"$(ip -n i-a neigh show $imds)"

# UDP: the DNS addresses (169.254.169.253 and the VPC's base + 2), as a server sees them.
cat >/tmp/services-udp.py <<'EOF'
import socket
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)	# <linux/in.h>; Python names it from 3.12 on
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
s.bind(("0.0.0.0", 53))
while True:
    data, anc, _, peer = s.recvmsg(512, socket.CMSG_SPACE(12))
    local = next(socket.inet_ntoa(d[8:12]) for l, t, d in anc if t == IP_PKTINFO)
    # Reply from the address asked, as dnsmasq does.
    s.sendmsg([("%s %s" % (local, peer[0])).encode()],
              [(socket.IPPROTO_IP, IP_PKTINFO, bytes(4) + socket.inet_aton(local) + bytes(4))],
              0, peer)
EOF
ip netns exec "$ns" python3 /tmp/services-udp.py &
udp_server=$!
sleep 1
# udp_ask INSTANCE ADDRESS: the answer, and the address it came from.
udp_ask() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"q", (sys.argv[1], 53))
data, peer = s.recvfrom(512)
print(data.decode(), peer[0])' "$2"
}
alias_plus() { python3 -c 'import ipaddress,sys; print(ipaddress.ip_address(sys.argv[1]) + int(sys.argv[2]))' "$1" "$2"; }
check_eq "UDP to 169.254.169.253: alias + 1, answered from 169.254.169.253" \
	"$(alias_plus "$(svc_addr i-a)" 1) $ip_a 169.254.169.253" "$(udp_ask i-a 169.254.169.253)"
check_eq "UDP to the VPC's base + 2 (172.31.0.2): alias + 2, answered from it" \
	"$(alias_plus "$(svc_addr i-c)" 2) $ip_a 172.31.0.2" "$(udp_ask i-c 172.31.0.2)"
kill "$udp_server"

# EC2's link-local allowance: 1024 packets a second per ENI to these services, dropped above
# it and counted in ENA's linklocal_allowance_exceeded. 3000 datagrams to Time Sync at once:
# 1024 pass at once, then 1024 a second of the time the burst takes.
estat_b() { ip netns exec i-b ethtool -S eth0 | awk -v k="$1:" '$1 == k {print $2}'; }
before=$(estat_b linklocal_allowance_exceeded) requests=$(fabric svc_requests)
dropped=$(fabric drop_linklocal_allowance)
secs=$(ip netns exec i-b python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t = time.monotonic()
for _ in range(3000):
    s.sendto(b"t", ("169.254.169.123", 123))
print(f"{time.monotonic() - t:.3f}")')
exceeded=$(($(estat_b linklocal_allowance_exceeded) - before))
passed=$(($(fabric svc_requests) - requests))
min=$(python3 -c "import math, sys; print(max(0, 3000 - 1024 - math.ceil(1024 * float(sys.argv[1])) - 2))" "$secs")
check "3000 datagrams in ${secs}s: $exceeded over the allowance, at least $min" test "$exceeded" -ge "$min"
check_eq "  ... each one either passed or was dropped and counted" 3000 "$((passed + exceeded))"
check_eq "  ... the fabric counted the same drops" "$exceeded" "$(($(fabric drop_linklocal_allowance) - dropped))"
check_eq "  ... i-a's allowance is its own: nothing counted there" 0 \
	"$(ip netns exec i-a ethtool -S eth0 | awk '$1 == "linklocal_allowance_exceeded:" {print $2}')"
sleep 1
check_eq "  ... a second later i-b is served again" "$(svc_addr i-b) $ip_b" "$(ask i-b)"

# Tenants: an instance reaches its own alias only through the service's address.
check_err "i-a cannot address i-b's alias directly" "timed out" \
	ip netns exec i-a curl -sS --max-time 2 "http://$(svc_addr i-b)/"
check_err "a plain host user cannot see the services" "Operation not permitted" \
	plain "$VNITRO" services show
check_err "  ... nor unplug them" "Operation not permitted" plain "$VNITRO" services del

# An ENI detached has no alias; attached again, it has one (maybe another).
eni=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
check_eq "a detached ENI has no alias" "null" "$(eni_field "$eni" svc_addr)"
check "attach it to i-a" "$VNITRO" eni attach "$eni" instance i-a index 1
check_match "  ... now it has one" "^169\.254\." "$(eni_field "$eni" svc_addr)"
check "detach it" "$VNITRO" eni detach "$eni"
check_eq "  ... gone again" "null" "$(eni_field "$eni" svc_addr)"

check "services del" "$VNITRO" services del
check_err "  ... svc0 is gone" "does not exist" ip -n "$ns" link show svc0
check_err "  ... requests go nowhere" "timed out" ask i-a --max-time 2
check "services add again, into the same namespace" "$VNITRO" services add
check_eq "  ... serves again" "$(svc_addr i-a) $ip_a" "$(ask i-a)"
kill "$server"
wait 2>/dev/null
# Left plugged in: unloading the module unplugs it (qemu/guest-init checks the unload).

summary
