#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tour.sh - the guided tour of Documentation/tour.md, run inside the VM by `make run`.
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top/tools:$PATH"

# The EC2 API's credentials for the tour's one call (Documentation/ec2-api.md).
creds=$(mktemp)
chmod 600 "$creds"
echo "AKIDVNITROTOUR tour-secret" >"$creds"

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "vnitro is loaded: one virtual PCI bus, one ENA function for i-host's primary ENI"
run lspci -nn -d 1d0f:
say "the default world: a VPC, a subnet, the init namespace as instance i-host"
run vnitro vpc show
run vnitro subnet show
run vnitro instance show
run vnitro eni show
say "the ENI is an ENA netdev, as on an EC2 instance"
run ip -d link show eth0
run ethtool -i eth0

say "two more instances, each a network namespace with a primary ENI as eth0"
run vnitro instance add i-a subnet subnet-default
run vnitro instance add i-b subnet subnet-default

say "configure the addresses the control plane assigned (DHCP will do this later)"
for inst in i-a i-b; do
	eni=$(vnitro -j instance show "$inst" | jq -r '.[0].primary_eni')
	ip=$(vnitro -j eni show "$eni" | jq -r '.[0].private_ip')
	run ip -n "$inst" addr add "$ip/20" dev eth0
	run ip -n "$inst" link set eth0 up
done
ip_b=$(vnitro -j eni show "$(vnitro -j instance show i-b | jq -r '.[0].primary_eni')" | jq -r '.[0].private_ip')

say "i-a pings i-b across the vnitro fabric, from inside i-a (vnitro exec)"
run vnitro exec i-a ping -c 3 "$ip_b"
run vnitro exec i-a ethtool -i eth0
run ip -n i-a neigh show
say "inside, an instance is a place to work: EC2's host name, the VPC's DNS server, a bpffs of its own"
run vnitro exec i-a hostname
run vnitro exec i-a cat /etc/resolv.conf
run vnitro exec i-a mkdir /sys/fs/bpf/mine
run vnitro exec i-a ls /sys/fs/bpf
run vnitro exec i-b ls /sys/fs/bpf
say "EC2's link-local services: the instance metadata service at 169.254.169.254, per ENI"
run vnitro services add
"$top/tools/vnitrod/vnitrod" --imds vnitro-services --dns vnitro-services --credentials "$creds" \
	2>/dev/null &
vnitrod=$!
sleep 2		# the metadata service listens at once; dnsmasq starts once vnitrod has read the VPCs
run ip -n i-a route add default via 172.31.0.1
run vnitro exec i-a ec2-metadata -i -t -o
run vnitro exec i-a curl -s http://169.254.169.254/latest/meta-data/network/interfaces/macs/
echo
say "the VPC's DNS (dnsmasq behind the same port): EC2's private names, from inside i-a"
run vnitro exec i-a getent hosts "ip-${ip_b//./-}"
say "the EC2 API (vnitrod): the AWS CLI describes the world, as on EC2"
run env AWS_ACCESS_KEY_ID=AKIDVNITROTOUR AWS_SECRET_ACCESS_KEY=tour-secret AWS_DEFAULT_REGION=us-east-1 \
	AWS_EC2_METADATA_DISABLED=true AWS_PAGER= /usr/bin/aws --endpoint-url http://127.0.0.1:8773 ec2 \
	describe-network-interfaces --query 'NetworkInterfaces[].[NetworkInterfaceId,PrivateIpAddress,Attachment.InstanceId]' \
	--output table
kill "$vnitrod"
say "tour done: see Documentation/tour.md for what each step shows"
