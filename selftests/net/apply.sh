#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# apply.sh - "vnitro apply FILE" and "vnitro dump": the example topology is applied,
# dumped, re-applied without a change, torn down with the CLI and restored from the
# dump; conflicts and bad files change nothing.
#
#   vpc-app 10.0.0.0/16 ------------------------------ igw-app -> netns "internet"
#     subnet-public 10.0.1.0/24 (0.0.0.0/0 via igw-app)
#       i-web (m5.large)  eth0 10.0.1.10 (Elastic IP eipalloc-0a1b…1 203.0.113.10),
#                          eth1 = eni-0a1b…1 (subnet-private, 10.0.2.50 + .51 .52)
#       i-nat (t3.micro)  eth0 10.0.1.20, source/dest check off
#       eni-0a1b…2         available, 10.0.1.100
#     subnet-private 10.0.2.0/24 (0.0.0.0/0 via i-nat's eth0)
#       i-db (m5.large)   eth0 10.0.2.10
#     security groups: default, web (sg-0a1b2c3d: tcp 80, 443), backend (sg-1: all from web)
#     network ACLs: default (allow all), acl-0a1b…1 on subnet-private (all from the VPC,
#                   tcp 1024-65535, no echo requests; all out)
#   (plus the default world: vpc-default, subnet-default, i-host)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

example=$VNITRO_TOP/Documentation/examples/two-tier.json
dir=$(mktemp -d)
second=eni-0a1b0000000000001
spare=eni-0a1b0000000000002
eip=eipalloc-0a1b0000000000001

# The dump without what apply generates: the ids and MACs of primary ENIs
# (routes and Elastic IPs on one name its instance instead) and the ids of default
# security groups and default network ACLs (named after their VPC wherever they appear).
normalize() {
	jq -S '(.enis | map(select(.device_index == 0) | {key: .id, value: "primary of \(.instance)"})
		| from_entries) as $p
	       | (.security_groups | map(select(.name == "default") | {key: .id, value: "default of \(.vpc)"})
		| from_entries) as $d
	       | (.network_acls | map(select(.default) | {key: .id, value: "default ACL of \(.vpc)"})
		| from_entries) as $a
	       | .subnets[].routes[].target |= ($p[.] // .)
	       | .elastic_ips[] |= (if .eni then .eni |= ($p[.] // .) else . end)
	       | .subnets[].network_acl |= ($a[.] // .)
	       | .network_acls[].id |= ($a[.] // .)
	       | .enis[] |= (if .device_index == 0 then del(.id, .mac) else . end)
	       | .enis[].security_groups[] |= ($d[.] // .)
	       | .security_groups[] |= ((.id |= ($d[.] // .))
		 | (.ingress[], .egress[]) |= (if .sg then .sg |= ($d[.] // .) else . end))' "$@"
}

# q FILTER: a jq query on the first dump.
q() { jq -r "$1" "$dir/d1.json"; }

# unchanged DESC FILE: the dump is still FILE's.
unchanged() {
	local desc=$1 file=$2
	check_eq "  ... $desc: the world is unchanged" "$(cat "$file")" "$("$VNITRO" dump)"
}

## apply the example

out=$("$VNITRO" apply "$example")
check_eq "apply the example: exit 0" 0 $?
check_match "it creates the VPC" '^create vpc vpc-app cidr 10.0.0.0/16$' "$out"
check_eq "it creates the gateway's namespace, then the gateway" "create netns internet
create igw igw-app vpc vpc-app netns internet frag-needed on" "$(grep -A1 '^create netns' <<<"$out")"
check "... which ip netns lists" sh -c 'ip netns list | grep -qw internet'
check_match "it creates the instances with their primary addresses" \
	'^create instance i-nat subnet subnet-public ip 10.0.1.20 type t3.micro primary-eni eni-' "$out"
check_match "it attaches the secondary ENI" "^attach eni $second instance i-web index 1$" "$out"
check_match "it assigns the secondary addresses" "^assign eni $second ip 10.0.2.52$" "$out"
check_match "it sets the NAT instance's ENI" 'set eni eni-[0-9a-f]+ source-dest-check off description "NAT instance"' "$out"
check_match "it creates the groups with their rules" \
	'^add sg-rule sg-1 ingress proto all sg sg-0a1b2c3d$' "$out"
check_match "it creates the private ACL" '^create nacl acl-0a1b0000000000001 vpc vpc-app$' "$out"
check_match "... with its entries" \
	'^add nacl-entry acl-0a1b0000000000001 ingress rule 300 deny proto icmp icmp-type 8 cidr 0.0.0.0/0$' "$out"
check_match "... and associates subnet-private with it" \
	'^associate nacl acl-0a1b0000000000001 subnet subnet-private$' "$out"
check_eq "it allocates the Elastic IP after the gateway" \
	"create igw igw-app vpc vpc-app netns internet frag-needed on
create eip $eip public-ip 203.0.113.10" "$(grep -A1 '^create igw' <<<"$out")"
check_match "it creates the routes" '^create route 0.0.0.0/0 subnet subnet-private via eni-' \
	"$(tail -n 2 <<<"$out" | head -n 1)"
check_match "... then associates the Elastic IP with i-web's primary address, last" \
	"^associate eip $eip eni eni-[0-9a-f]+ private-ip 10.0.1.10\$" "$(tail -n 1 <<<"$out")"

"$VNITRO" dump >"$dir/d1.json"
check "dump: valid JSON" jq -e . "$dir/d1.json"
nat_eni=$(primary_eni i-nat)
check_eq "the NAT route targets i-nat's primary ENI" "$nat_eni" \
	"$(q '.subnets[] | select(.id == "subnet-private") | .routes[0].target')"
check_eq "the NAT instance's ENI: source/dest check off, its description" "false|NAT instance" \
	"$(q ".enis[] | select(.id == \"$nat_eni\") | \"\(.source_dest_check)|\(.description)\"")"
check_eq "the secondary ENI as the file says" \
	"subnet-private|02:00:0a:00:02:32|10.0.2.50|10.0.2.51 10.0.2.52|sg-0a1b2c3d sg-1|i-web|1" \
	"$(q ".enis[] | select(.id == \"$second\") | [.subnet, .mac, .private_ip, (.secondary_ips | join(\" \")),
		(.security_groups | join(\" \")), .instance, .device_index] | join(\"|\")")"
check_eq "the spare ENI is available" "null|null|10.0.1.100" \
	"$(q ".enis[] | select(.id == \"$spare\") | \"\(.instance)|\(.device_index)|\(.private_ip)\"")"
check_eq "instances with their types" "i-db m5.large|i-host c5n.18xlarge|i-nat t3.micro|i-web m5.large" \
	"$(q '[.instances[] | "\(.name) \(.type)"] | join("|")')"
check_eq "the gateway into netns internet" "igw-app|vpc-app|internet|true" \
	"$(q '.internet_gateways[] | [.id, .vpc, .netns, .frag_needed] | join("|")')"
check_eq "the groups of vpc-app, by name" "backend|default|web" \
	"$(q '[.security_groups[] | select(.vpc == "vpc-app") | .name] | join("|")')"
check_eq "web's rules" "tcp 80-80 0.0.0.0/0|tcp 443-443 0.0.0.0/0|egress all 0.0.0.0/0" \
	"$(q '.security_groups[] | select(.id == "sg-0a1b2c3d") | [(.ingress[] | "\(.protocol) \(.port_from)-\(.port_to) \(.cidr)"),
		(.egress[] | "egress \(.protocol) \(.cidr)")] | join("|")')"
check_eq "ENIs without groups in the file have their VPC's default group" \
	"$(q '.security_groups[] | select(.vpc == "vpc-app" and .name == "default") | .id')" \
	"$(q ".enis[] | select(.id == \"$spare\") | .security_groups | join(\" \")")"
check_eq "subnet-private uses the private ACL, subnet-public its VPC's default" \
	"acl-0a1b0000000000001|$(q '.network_acls[] | select(.vpc == "vpc-app" and .default) | .id')" \
	"$(q '[.subnets[] | select(.vpc == "vpc-app") | .network_acl] | join("|")')"
check_eq "the private ACL's entries, by number" "100 allow all|200 allow tcp|300 deny icmp|egress 100 allow all" \
	"$(q '.network_acls[] | select(.id == "acl-0a1b0000000000001") | [(.ingress[] | "\(.rule) \(.action) \(.protocol)"),
		(.egress[] | "egress \(.rule) \(.action) \(.protocol)")] | join("|")')"
check "the secondary ENI is eth1 inside i-web" ip -n i-web link show eth1
check_eq "... with its MAC" 02:00:0a:00:02:32 \
	"$(ip -n i-web -j link show eth1 | jq -r '.[0].address')"
web_eni=$(primary_eni i-web)
check_eq "the Elastic IP on i-web's primary ENI, the default pool" \
	"203.0.113.0/24|$eip|203.0.113.10|$web_eni|10.0.1.10" \
	"$(q '[.eip_pool, (.elastic_ips[] | .allocation_id, .public_ip, .eni, .private_ip)] | join("|")')"
check_eq "dump twice: byte-identical" "$(cat "$dir/d1.json")" "$("$VNITRO" dump)"

## idempotent

out=$("$VNITRO" apply "$example")
check_eq "the example again: exit 0, no change" "0|" "$?|$out"
out=$("$VNITRO" apply "$dir/d1.json")
check_eq "the dump: exit 0, no change" "0|" "$?|$out"
out=$("$VNITRO" -j apply - <"$dir/d1.json")
check_eq "the dump from stdin, -j: []" "0|[]" "$?|$out"
check_eq "the dump is still the same" "$(cat "$dir/d1.json")" "$("$VNITRO" dump)"

## drift is put back

"$VNITRO" eni set "$nat_eni" source-dest-check on description "" >/dev/null
"$VNITRO" eni unassign "$second" ip 10.0.2.51 >/dev/null
"$VNITRO" eni assign "$second" ip 10.0.2.60 >/dev/null
"$VNITRO" eni detach "$second"
"$VNITRO" route del 0.0.0.0/0 subnet subnet-public
"$VNITRO" sg rule del sg-0a1b2c3d ingress proto tcp port 443 cidr 0.0.0.0/0 >/dev/null
"$VNITRO" sg rule add sg-0a1b2c3d ingress proto udp port 53 cidr 10.0.0.0/16 >/dev/null
"$VNITRO" nacl entry replace acl-0a1b0000000000001 ingress rule 100 deny proto all cidr 10.0.0.0/16 >/dev/null
"$VNITRO" nacl entry add acl-0a1b0000000000001 egress rule 50 deny proto udp port 53 cidr 0.0.0.0/0 >/dev/null
"$VNITRO" nacl associate "$(q '.network_acls[] | select(.vpc == "vpc-app" and .default) | .id')" \
	subnet subnet-private >/dev/null
"$VNITRO" eip disassociate "$eip" >/dev/null
out=$("$VNITRO" apply "$dir/d1.json")
check_eq "apply after drift: exit 0" 0 $?
check_eq "it re-attaches, re-addresses, re-sets and re-routes" \
	"delete nacl-entry acl-0a1b0000000000001 egress rule 50
replace nacl-entry acl-0a1b0000000000001 ingress rule 100 allow proto all cidr 10.0.0.0/16
associate nacl acl-0a1b0000000000001 subnet subnet-private
delete sg-rule sg-0a1b2c3d ingress proto udp port 53-53 cidr 10.0.0.0/16
add sg-rule sg-0a1b2c3d ingress proto tcp port 443-443 cidr 0.0.0.0/0
attach eni $second instance i-web index 1
unassign eni $second ip 10.0.2.60
assign eni $second ip 10.0.2.51
set eni $nat_eni source-dest-check off description \"NAT instance\"
create route 0.0.0.0/0 subnet subnet-public via igw-app
associate eip $eip eni $web_eni private-ip 10.0.1.10" "$out"
check_eq "the world is the first dump again" "$(cat "$dir/d1.json")" "$("$VNITRO" dump)"

## conflicts: found before anything changes

# edit FILTER: the first dump with FILTER applied, as a file.
edit() { jq "$1" "$dir/d1.json" >"$dir/edit.json"; }

edit '.vpcs += [{"id": "vpc-new", "cidr": "10.50.0.0/16"}] | (.vpcs[] | select(.id == "vpc-app") | .cidr) = "10.0.0.0/17"'
"$VNITRO" apply "$dir/edit.json" 2>"$dir/err"
check_eq "a VPC with another CIDR is refused: exit 1" \
	"1|Error: VPC vpc-app: cidr is 10.0.0.0/16, the file says 10.0.0.0/17 (a VPC's CIDR block cannot change); nothing was changed" \
	"$?|$(cat "$dir/err")"
unchanged "and vpc-new is not created" "$dir/d1.json"
edit '(.instances[] | select(.name == "i-nat") | .type) = "m5.large"'
check_err "an instance of another type is refused" 'instance i-nat: type is t3.micro, the file says m5.large' \
	"$VNITRO" apply "$dir/edit.json"
edit "(.enis[] | select(.id == \"$second\") | .mac) = \"02:00:0a:00:02:99\""
check_err "an ENI with another MAC is refused" "network interface $second: mac is 02:00:0a:00:02:32, the file says 02:00:0a:00:02:99" \
	"$VNITRO" apply "$dir/edit.json"
edit '(.subnets[] | select(.vpc == "vpc-app") | .az) = "us-east-1b"'
check_err "a subnet in another AZ is refused" 'subnet subnet-private: az is us-east-1a, the file says us-east-1b' \
	"$VNITRO" apply "$dir/edit.json"
edit '.internet_gateways[0].id = "igw-two" | (.subnets[].routes[] | select(.target == "igw-app") | .target) = "igw-two"'
check_err "a second gateway for a VPC is refused" 'VPC vpc-app has internet gateway igw-app already' \
	"$VNITRO" apply "$dir/edit.json"
edit "del(.enis[] | select(.id == \"$second\")) | (.enis[] | select(.id == \"$spare\")) += {\"instance\": \"i-web\", \"device_index\": 1}"
check_err "an index an ENI the file leaves out holds is refused" \
	"network interface $spare: device index 1 of instance i-web holds $second, which the file leaves there" \
	"$VNITRO" apply "$dir/edit.json"
edit '(.network_acls[] | select(.vpc == "vpc-app" and .default) | .default) = false'
check_err "a VPC's default ACL made a custom one is refused" \
	"network ACL $(q '.network_acls[] | select(.vpc == "vpc-app" and .default) | .id') is the default network ACL of VPC vpc-app; the file makes it a custom one" \
	"$VNITRO" apply "$dir/edit.json"
edit '.elastic_ips[0].public_ip = "203.0.113.11"'
check_err "an Elastic IP with another address is refused" \
	"Elastic IP $eip: public_ip is 203.0.113.10, the file says 203.0.113.11" \
	"$VNITRO" apply "$dir/edit.json"
unchanged "after every conflict" "$dir/d1.json"

## a kernel refusal stops apply where it is; what was done is printed

# A t3.micro has 2 network interfaces: i-nat's primary and the first new one.
edit '.enis += [{"id": "eni-0b01", "subnet": "subnet-public", "instance": "i-nat", "device_index": 1},
		{"id": "eni-0b02", "subnet": "subnet-public", "instance": "i-nat", "device_index": 2}]'
out=$("$VNITRO" apply "$dir/edit.json" 2>"$dir/err")
check_eq "the third ENI of a t3.micro: exit 1" 1 $?
check_match "the kernel's message, after the change" \
	'^Error: attach eni eni-0b02 instance i-nat index 2: .*t3.micro supports at most 2 network interfaces' \
	"$(cat "$dir/err")"
check_eq "what was done before it" "create eni eni-0b01 subnet subnet-public type interface
create eni eni-0b02 subnet subnet-public type interface
attach eni eni-0b01 instance i-nat index 1" "$out"
"$VNITRO" eni detach eni-0b01 && "$VNITRO" eni del eni-0b01 && "$VNITRO" eni del eni-0b02
unchanged "once those two are deleted again" "$dir/d1.json"

## bad files: exit 2, nothing read from the kernel

printf '{"vpcs": [{"id": "vpc-x", "cidr": "10.60.0.0/16"}], "subnets": [{"id": "s", "vpc": "vpc-y", "cidr": "10.60.1.0/24", "az": "us-east-1a"}]}' >"$dir/bad.json"
"$VNITRO" apply "$dir/bad.json" 2>"$dir/err"
check_eq "a dangling reference: exit 2" "2|Error: $dir/bad.json: .subnets[0].vpc: VPC \"vpc-y\" is not in the file" \
	"$?|$(cat "$dir/err")"
unchanged "and vpc-x is not created" "$dir/d1.json"

## delete everything, then restore the dump (default groups come back under new ids)

# Elastic IPs first: an associated one keeps its gateway (DependencyViolation).
jq -r '.elastic_ips[] | (if .eni then "eip disassociate \(.allocation_id)" else empty end),
	"eip del \(.allocation_id)"' "$dir/d1.json" >"$dir/teardown"
jq -r '.subnets[] as $s | $s.routes[] | "route del \(.destination) subnet \($s.id)"' "$dir/d1.json" >>"$dir/teardown"
jq -r '.enis[] | select(.device_index > 0) | "eni detach \(.id)"' "$dir/d1.json" >>"$dir/teardown"
jq -r '.instances[] | "instance del \(.name)"' "$dir/d1.json" >>"$dir/teardown"
jq -r '.enis[] | select(.device_index != 0) | "eni del \(.id)"' "$dir/d1.json" >>"$dir/teardown"
# backend's rule names web, and backend comes first (by name): groups go in dump order.
jq -r '(.internet_gateways[] | "igw del \(.id)"), (.subnets[] | "subnet del \(.id)"),
	(.security_groups[] | select(.name != "default") | "sg del \(.id)"),
	(.network_acls[] | select(.default | not) | "nacl del \(.id)"), (.vpcs[] | "vpc del \(.id)")' \
	"$dir/d1.json" >>"$dir/teardown"
failed=0
while read -r -a words; do
	"$VNITRO" "${words[@]}" || failed=1
done <"$dir/teardown"
check_eq "delete everything with the CLI" 0 "$failed"
check_eq "the world is empty" '{"version":1,"world":{"rate_scale":1,"burst_seconds":300},"path":{"loss_ppm":0,"reorder_ppm":0,"delay_us":0,"reorder_delay_us":1000,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0,"episode_us":10000,"paths":8,"node_delay_us":0,"az_delay_us":0,"seed":0,"per_path":[]},"vpcs":[],"subnets":[],"internet_gateways":[],"egress_only_internet_gateways":[],"security_groups":[],"network_acls":[],"eip_pool":"203.0.113.0/24","elastic_ips":[],"placement_groups":[],"instances":[],"enis":[]}' \
	"$("$VNITRO" dump)"

out=$("$VNITRO" apply "$dir/d1.json")
check_eq "apply the dump to the empty world: exit 0" 0 $?
check_eq "it made one change per object, setting and route" \
	"$(( $(q '.vpcs, .subnets, .internet_gateways, .instances | length' | paste -sd+) +
	     $(q '[.enis[] | select(.device_index != 0)] | length') +
	     $(q '[.enis[] | select(.device_index > 0)] | length') +
	     $(q '[.enis[].secondary_ips[]] | length') +
	     $(q '[.security_groups[] | select(.name != "default")] | length') +
	     $(q '[.security_groups[] | select(.name != "default") | (.ingress | length) +
		  ([.egress[] | select(. != {"protocol": "all", "cidr": "0.0.0.0/0"})] | length) +
		  (if any(.egress[]; . == {"protocol": "all", "cidr": "0.0.0.0/0"}) then 0 else 1 end)] | add // 0') +
	     $(q '(.subnets | map({key: .id, value: .vpc}) | from_entries) as $v
		  | (.security_groups | map(select(.name == "default") | {key: .vpc, value: .id}) | from_entries) as $d
		  | [.enis[] | select(.source_dest_check == false or .description != "" or
			.security_groups != [$d[$v[.subnet]]])] | length') +
	     $(q '[.network_acls[] | select(.default | not)] | length') +
	     $(q '[.network_acls[] | if .default then
		    ([(.ingress[], .egress[]) | select(. != {"rule": 100, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"})] | length)
		    + ([.ingress, .egress | select(all(.[]; .rule != 100))] | length)
		  else (.ingress + .egress | length) end] | add // 0') +
	     $(q '(.network_acls | map({key: .id, value: .default}) | from_entries) as $d
		  | [.subnets[] | select($d[.network_acl] == false)] | length') +
	     $(q '[.subnets[].routes[]] | length') +
	     $(q '.elastic_ips | length') + $(q '[.elastic_ips[] | select(.eni)] | length') ))" "$(wc -l <<<"$out")"
"$VNITRO" dump >"$dir/d2.json"
check_eq "the new dump equals the first but for primary ENI ids and MACs (the Elastic IP too)" \
	"$(normalize "$dir/d1.json")" "$(normalize "$dir/d2.json")"
check_eq "the primary ENIs are new" "" \
	"$(comm -12 <(jq -r '.enis[] | select(.device_index == 0) | .id' "$dir/d1.json" | sort) \
		    <(jq -r '.enis[] | select(.device_index == 0) | .id' "$dir/d2.json" | sort))"
out=$("$VNITRO" apply "$dir/d1.json")
check_eq "the first dump again: no change" "0|" "$?|$out"
out=$("$VNITRO" apply "$dir/d2.json")
check_eq "the new dump: no change" "0|" "$?|$out"
check "the restored secondary ENI is eth1 inside i-web" ip -n i-web link show eth1

rm -rf "$dir"
summary
