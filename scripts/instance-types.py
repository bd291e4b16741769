#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""instance-types.py - turns EC2's DescribeInstanceTypes output into vnitro's
catalogue of instance-type network limits (Documentation/data/ec2-instance-types.tsv),
and checks that catalogue for internal consistency.

usage: instance-types.py FILE             print the TSV for FILE to stdout
       instance-types.py --check FILE     check FILE; one line per violation, exit 1 on any
       instance-types.py --notes FILE     --check, and also list the notes (see below)
       instance-types.py --emit-c FILE    print the module's table (kmod/core/control/
                                          types_table.h) for FILE: the types vnitro models
FILE is either a DescribeInstanceTypes dump (a JSON object keyed by type name, as
getmoto/moto keeps in moto/ec2/resources/instance_types.json, or the API's own
{"InstanceTypes": [...]}), or a TSV this script wrote. A TSV can only be checked,
and only with the rules that need no more than its columns; a dump gets all of them.
Documentation/instance-types.md says where the data comes from and what --check found.

Columns, and the DescribeInstanceTypes field each comes from (NI = NetworkInfo,
card 0 = NI.NetworkCards[0], the card of the primary interface):
  name                InstanceType
  hypervisor          Hypervisor (nitro | xen); "none" when the field is absent,
                      which is so exactly for the bare-metal types (BareMetal true)
  current_generation  CurrentGeneration, 0/1
  vcpus               VCpuInfo.DefaultVCpus
  max_enis            NI.MaximumNetworkInterfaces
  network_cards       NI.MaximumNetworkCards
  max_enis_per_card   the largest NI.NetworkCards[].MaximumNetworkInterfaces
  cards_uniform       1 if every card has the same MaximumNetworkInterfaces
  ipv4_per_eni        NI.Ipv4AddressesPerInterface
  ipv6_per_eni        NI.Ipv6AddressesPerInterface (0 when NI.Ipv6Supported is false)
  ena_support         NI.EnaSupport (required | supported | unsupported)
  efa                 NI.EfaSupported, 0/1
  efa_max_interfaces  NI.EfaInfo.MaximumEfaInterfaces, 0 without EFA
  ena_srd             NI.EnaSrdSupported (ENA Express), 0/1
  baseline_mbps       card 0 BaselineBandwidthInGbps x 1000, rounded; empty if absent
  peak_mbps           card 0 PeakBandwidthInGbps x 1000, rounded; empty if absent
  network_performance NI.NetworkPerformance, the instance's text ("Up to 10 Gigabit")
  ena_queues          card 0 DefaultEnaQueueCountPerInterface; empty if absent
  max_ena_queues      card 0 MaximumEnaQueueCountPerInterface; empty if absent
  max_ena_queues_card card 0 MaximumEnaQueueCount, the card's queue budget across its
                      interfaces; empty if absent
  flexible_ena_queues NI.FlexibleEnaQueuesSupport == "supported", 0/1
Bandwidth and queues are card 0's because that is what a one-card type has and what
the primary interface gets; the per-card figures are the same on every card of every
multi-card type except one (see --notes). DescribeInstanceTypes publishes no packet
rate, so there is no PPS column.

Rows are sorted by family (the name before the dot, digits compared as numbers) and
then by size: nano, micro, small, medium, large, xlarge, 2xlarge ... 224xlarge, then
metal-12xl ... metal-96xl, then metal.

--check exits 1 if any rule is broken; notes are facts of the data that break no rule
but that a user of the table should know (EC2's texts disagreeing with its numbers,
say). --check prints only their count; --notes lists them.
"""
import json
import re
import sys

COLUMNS = ("name hypervisor current_generation vcpus max_enis network_cards "
           "max_enis_per_card cards_uniform ipv4_per_eni ipv6_per_eni ena_support efa "
           "efa_max_interfaces ena_srd baseline_mbps peak_mbps network_performance "
           "ena_queues max_ena_queues max_ena_queues_card flexible_ena_queues").split()

# Columns that hold a number; the empty string stands for "absent" in the optional ones.
INTEGER = set(COLUMNS) - {"name", "hypervisor", "ena_support", "network_performance"}
OPTIONAL = {"baseline_mbps", "peak_mbps", "ena_queues", "max_ena_queues",
            "max_ena_queues_card"}

# The families whose types have no ENA (EnaSupport "unsupported"), from the EC2 User
# Guide at awsdocs/amazon-ec2-user-guide commit 0992ede8: enhanced-networking.md says
# "The following instance types use the Intel 82599 VF interface for enhanced
# networking: C3, C4, D2, I2, M4 (excluding m4.16xlarge), and R3"; the summary table in
# instance-types.md (l.340-480) says "Not supported" under "Enhanced networking" for
# those and for C1, CC2, CR1, G2, HS1, M1, M2, M3, T1 and T2.
INTEL_VF_FAMILIES = {"c3", "c4", "d2", "i2", "m4", "r3"}
INTEL_VF_EXCEPTIONS = {"m4.16xlarge"}  # ENA, on Xen
NO_ENHANCED_FAMILIES = {"c1", "cc2", "cr1", "g2", "hs1", "m1", "m2", "m3", "t1", "t2"}

NAME_RE = re.compile(r"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)")
SMALL_SIZES = ("nano", "micro", "small", "medium", "large")
PERF_RE = re.compile(r"(Up to )?(?:(\d+)x )?(\d+(?:\.\d+)?) Gigabit")


def size_key(size):
    """Where @size sorts among the sizes of one family; None if its form is unknown."""
    if size in SMALL_SIZES:
        return (0, SMALL_SIZES.index(size))
    m = re.fullmatch(r"(\d*)xlarge", size)
    if m:
        return (1, int(m.group(1) or 1))
    m = re.fullmatch(r"metal-(\d+)xl", size)
    if m:
        return (2, int(m.group(1)))
    if size == "metal":
        return (3, 0)  # the whole host, so after any sized metal
    return None


def natural(s):
    """@s with its runs of digits as numbers, so c5 sorts before c10 and u7i-6tb before u7i-12tb."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s)]


def sort_key(name):
    m = NAME_RE.fullmatch(name)
    if not m:
        return (1, natural(name), (9, 0))
    return (0, natural(m.group(1)), size_key(m.group(2)) or (9, natural(m.group(2))))


def mbps(gbps):
    # Multiply and round: 0.064 Gbps is 64 Mbit/s, though 0.064 * 1000 is 64.00000000000001.
    return "" if gbps is None else str(round(gbps * 1000))


def opt(v):
    return "" if v is None else str(v)


def row_of(t):
    """The catalogue row (a dict of column -> string) for one DescribeInstanceTypes entry."""
    ni = t["NetworkInfo"]
    cards = ni.get("NetworkCards") or [{}]
    card0 = cards[0]
    per_card = [c.get("MaximumNetworkInterfaces", 0) for c in cards]
    return {
        "name": t["InstanceType"],
        "hypervisor": t.get("Hypervisor", "none"),
        "current_generation": str(int(bool(t.get("CurrentGeneration")))),
        "vcpus": str(t["VCpuInfo"]["DefaultVCpus"]),
        "max_enis": str(ni["MaximumNetworkInterfaces"]),
        "network_cards": str(ni.get("MaximumNetworkCards", 1)),
        "max_enis_per_card": str(max(per_card)),
        "cards_uniform": str(int(len(set(per_card)) == 1)),
        "ipv4_per_eni": str(ni["Ipv4AddressesPerInterface"]),
        "ipv6_per_eni": str(ni.get("Ipv6AddressesPerInterface", 0)),
        "ena_support": ni["EnaSupport"],
        "efa": str(int(bool(ni.get("EfaSupported")))),
        "efa_max_interfaces": str(ni.get("EfaInfo", {}).get("MaximumEfaInterfaces", 0)),
        "ena_srd": str(int(bool(ni.get("EnaSrdSupported")))),
        "baseline_mbps": mbps(card0.get("BaselineBandwidthInGbps")),
        "peak_mbps": mbps(card0.get("PeakBandwidthInGbps")),
        "network_performance": ni.get("NetworkPerformance", ""),
        "ena_queues": opt(card0.get("DefaultEnaQueueCountPerInterface")),
        "max_ena_queues": opt(card0.get("MaximumEnaQueueCountPerInterface")),
        "max_ena_queues_card": opt(card0.get("MaximumEnaQueueCount")),
        "flexible_ena_queues": str(int(ni.get("FlexibleEnaQueuesSupport") == "supported")),
    }


def load(path):
    """(rows, dump): the rows of @path, and the raw entries by name if it is a dump (else None)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        if "InstanceTypes" in data:
            keyed = [(t["InstanceType"], t) for t in data["InstanceTypes"]]
        else:
            keyed = list(data.items())  # check_entry() compares each key to its InstanceType
        dump = {}
        for key, t in keyed:
            # A duplicate is a rule violation, so keep both to let check() see it.
            dump.setdefault(key, []).append(t)
        return [row_of(t) for _, t in keyed], dump
    lines = text.splitlines()
    header = lines[0].split("\t") if lines else []
    if header != COLUMNS:
        sys.exit(f"Error: {path}: the header is not this script's columns: {header}")
    rows = []
    for n, line in enumerate(lines[1:], 2):
        fields = line.split("\t")
        if len(fields) != len(COLUMNS):
            sys.exit(f"Error: {path}:{n}: {len(fields)} fields, want {len(COLUMNS)}")
        rows.append(dict(zip(COLUMNS, fields)))
    return rows, None


def write_tsv(rows, out):
    out.write("\t".join(COLUMNS) + "\n")
    for r in sorted(rows, key=lambda r: sort_key(r["name"])):
        for c in COLUMNS:
            # A tab or newline inside a field would shift every later column.
            if re.search(r"[\t\r\n]", r[c]):
                sys.exit(f"Error: {r['name']}: {c} holds a tab or newline")
        out.write("\t".join(r[c] for c in COLUMNS) + "\n")


def check_row(r, bad, note):
    """The rules that need only the catalogue's columns, so they hold for the TSV too."""
    name = r["name"]
    v = {}
    for c in (c for c in COLUMNS if c in INTEGER):
        if r[c] == "" and c in OPTIONAL:
            v[c] = None
        elif re.fullmatch(r"\d+", r[c]):
            v[c] = int(r[c])
        else:
            bad(name, f"{c} is {r[c]!r}, not a whole number")
            return
    m = NAME_RE.fullmatch(name)
    if not m:
        bad(name, "the name is not family.size")
        return
    family, size = m.groups()
    if size_key(size) is None:
        bad(name, f"size {size!r} is of no known form, so the sort cannot place it")
    if r["hypervisor"] not in ("nitro", "xen", "none"):
        bad(name, f"hypervisor {r['hypervisor']!r} is not nitro, xen or none")
    if (r["hypervisor"] == "none") != size.startswith("metal"):
        bad(name, f"hypervisor {r['hypervisor']} but the size is {size}")
    if r["ena_support"] not in ("required", "supported", "unsupported"):
        bad(name, f"ena_support {r['ena_support']!r} is not required, supported or unsupported")
    for c in ("current_generation", "cards_uniform", "efa", "ena_srd", "flexible_ena_queues"):
        if v[c] > 1:
            bad(name, f"{c} is {v[c]}, not 0 or 1")
    if v["vcpus"] < 1:
        bad(name, "no vCPUs")
    if v["max_enis"] < 1:
        bad(name, "max_enis < 1: an instance has at least its primary interface")
    if v["network_cards"] < 1 or v["max_enis_per_card"] < 1:
        bad(name, "no network card, or a card that takes no interface")
    if v["max_enis_per_card"] * v["network_cards"] < v["max_enis"]:
        bad(name, f"max_enis {v['max_enis']} > {v['network_cards']} cards x "
            f"{v['max_enis_per_card']} interfaces: the cards cannot hold them")
    if v["ipv4_per_eni"] < 1:
        bad(name, "no IPv4 address per interface, not even the primary")
    # DescribeInstanceTypes does not promise this, but in every dump seen the IPv6 limit
    # equals the IPv4 one or is 0 (no IPv6); a type with more IPv6 than IPv4 addresses
    # would be new, and worth a look before vnitro trusts it.
    if v["ipv6_per_eni"] > v["ipv4_per_eni"]:
        bad(name, f"ipv6_per_eni {v['ipv6_per_eni']} > ipv4_per_eni {v['ipv4_per_eni']}")
    elif 0 < v["ipv6_per_eni"] < v["ipv4_per_eni"]:
        note(name, f"ipv6_per_eni {v['ipv6_per_eni']} < ipv4_per_eni {v['ipv4_per_eni']}")
    if v["efa"] != (v["efa_max_interfaces"] > 0):
        bad(name, f"efa {v['efa']} but efa_max_interfaces {v['efa_max_interfaces']}")
    if v["efa_max_interfaces"] > v["max_enis"]:
        bad(name, f"efa_max_interfaces {v['efa_max_interfaces']} > max_enis {v['max_enis']}")
    # "You can assign up to one EFA per network card" (using-eni.md l.69, commit 0992ede8).
    if v["efa_max_interfaces"] > v["network_cards"]:
        bad(name, f"efa_max_interfaces {v['efa_max_interfaces']} > network_cards "
            f"{v['network_cards']}: one EFA per card at most")
    # An EFA is an ENA with OS bypass added (efa.md), and ENA Express is an ENA feature.
    if r["ena_support"] == "unsupported" and (v["efa"] or v["ena_srd"]):
        bad(name, "EFA or ENA Express without ENA")
    if v["baseline_mbps"] is not None and v["peak_mbps"] is not None \
       and v["peak_mbps"] < v["baseline_mbps"]:
        bad(name, f"peak_mbps {v['peak_mbps']} < baseline_mbps {v['baseline_mbps']}")
    q, qmax, qcard = v["ena_queues"], v["max_ena_queues"], v["max_ena_queues_card"]
    if q is not None and qmax is not None and q > qmax:
        bad(name, f"ena_queues {q} > max_ena_queues {qmax}")
    if qmax is not None and qcard is not None and qmax > qcard:
        bad(name, f"max_ena_queues {qmax} > max_ena_queues_card {qcard}")
    if v["flexible_ena_queues"] and (qmax is None or qcard is None):
        bad(name, "flexible ENA queues without a per-interface and per-card maximum")
    intel_vf = family in INTEL_VF_FAMILIES and name not in INTEL_VF_EXCEPTIONS
    if r["ena_support"] == "unsupported":
        if not intel_vf and family not in NO_ENHANCED_FAMILIES:
            bad(name, "no ENA, but the family is neither an Intel 82599 VF family "
                "(c3 c4 d2 i2 m4 r3) nor one without enhanced networking")
        if q is not None:
            note(name, f"ena_queues {q}, though the type has no ENA")
    elif intel_vf or family in NO_ENHANCED_FAMILIES:
        bad(name, f"ena_support {r['ena_support']}, but EC2's documentation puts the "
            "family among those without ENA")
    check_performance(name, r["network_performance"], v, note)


def parse_performance(text):
    """(up_to, Mbit/s) from EC2's "network performance" text, or None for the words
    ("Moderate", "High") that carry no number. "4x 100 Gigabit" counts as 400."""
    m = PERF_RE.fullmatch(text)
    if not m:
        return None
    gbps = float(m.group(3)) * (int(m.group(2)) if m.group(2) else 1)
    return bool(m.group(1)), round(gbps * 1000)


def check_performance(name, text, v, note):
    """Notes where the "network performance" text disagrees with the numbers."""
    said = parse_performance(text)
    if not said or v["baseline_mbps"] is None or v["peak_mbps"] is None:
        return
    up_to, said = said
    base, peak, cards = v["baseline_mbps"], v["peak_mbps"], v["network_cards"]
    # EC2 rounds the text (66.66 for 66.67, 28 for 28.125), so 1% slack.
    if up_to:
        if abs(peak * cards - said) > said / 100:
            note(name, f"{text!r} but card 0 peaks at {peak} Mbit/s")
        elif peak == base:
            note(name, f"{text!r} but baseline = peak = {base} Mbit/s, nothing to burst")
    elif cards == 1:
        if abs(base - said) > said / 100:
            note(name, f"{text!r} but the baseline is {base} Mbit/s (peak {peak})")
    elif abs(base * cards - said) > said / 100:
        note(name, f"{text!r} but {cards} cards x {base} Mbit/s (card 0's baseline) "
             f"= {base * cards}")


def check_entry(name, t, bad, note):
    """The rules that need the dump's own fields, beyond the catalogue's columns."""
    ni = t["NetworkInfo"]
    cards = ni.get("NetworkCards") or []
    if t["InstanceType"] != name:
        bad(name, f"the dump files it under {name} but its InstanceType is {t['InstanceType']}")
    if (t.get("Hypervisor") is None) != bool(t.get("BareMetal")):
        bad(name, f"Hypervisor {t.get('Hypervisor')} but BareMetal {t.get('BareMetal')}")
    if len(cards) != ni.get("MaximumNetworkCards"):
        bad(name, f"MaximumNetworkCards {ni.get('MaximumNetworkCards')} but "
            f"{len(cards)} NetworkCards")
    if [c.get("NetworkCardIndex") for c in cards] != list(range(len(cards))):
        bad(name, "NetworkCards are not indexed 0, 1, 2, ... in order")
    if ni.get("DefaultNetworkCardIndex", 0) != 0:
        bad(name, f"DefaultNetworkCardIndex {ni['DefaultNetworkCardIndex']}: "
            "the catalogue takes card 0 as the primary's card")
    total = sum(c.get("MaximumNetworkInterfaces", 0) for c in cards)
    if total != ni["MaximumNetworkInterfaces"]:
        bad(name, f"MaximumNetworkInterfaces {ni['MaximumNetworkInterfaces']} but "
            f"the cards take {total}")
    if bool(ni.get("EfaSupported")) != ("EfaInfo" in ni):
        bad(name, "EfaSupported and EfaInfo disagree")
    if bool(ni.get("Ipv6Supported")) != (ni.get("Ipv6AddressesPerInterface", 0) > 0):
        bad(name, f"Ipv6Supported {ni.get('Ipv6Supported')} but "
            f"{ni.get('Ipv6AddressesPerInterface')} IPv6 addresses per interface")
    for c in cards:
        q = c.get("DefaultEnaQueueCountPerInterface")
        qmax = c.get("MaximumEnaQueueCountPerInterface")
        if q is not None and qmax is not None and q > qmax:
            bad(name, f"card {c.get('NetworkCardIndex')}: {q} default ENA queues > {qmax} maximum")
    # The catalogue keeps card 0's figures; say where another card differs.
    if cards:
        for k in sorted(set().union(*cards) - {"NetworkCardIndex"}):
            where = {}
            for i, c in enumerate(cards):
                where.setdefault(str(c.get(k)), []).append(i)
            if len(where) > 1:
                note(name, f"{k} differs between cards: " + "; ".join(
                    f"{val} on card{'s' if len(idx) > 1 else ''} {span(idx)}"
                    for val, idx in where.items()))
    # Only where the card's text says more than rounding: "Up to" or a number 1% away.
    if len(cards) == 1:
        inst, card = ni.get("NetworkPerformance", ""), cards[0].get("NetworkPerformance", "")
        a, b = parse_performance(inst), parse_performance(card)
        if (a is None or b is None) and inst != card or \
           a and b and (a[0] != b[0] or abs(a[1] - b[1]) > a[1] / 100):
            note(name, f"NetworkPerformance {inst!r} but card 0 says {card!r}")


def span(idx):
    """"3" or "1-16" for a list of card indexes (a run, as the cards that differ are)."""
    if len(idx) > 1 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{idx[0]}-{idx[-1]}"
    return ",".join(map(str, idx))


def check(rows, dump, show_notes):
    violations, notes = [], []

    def bad(name, msg):
        violations.append(f"{name}: {msg}")

    def note(name, msg):
        notes.append(f"{name}: {msg}")

    seen = set()
    for r in rows:
        if r["name"] in seen:
            bad(r["name"], "appears twice")
        seen.add(r["name"])
        check_row(r, bad, note)
    for name, entries in (dump or {}).items():
        if len(entries) > 1:
            continue  # already reported by the row loop
        check_entry(name, entries[0], bad, note)
    for v in violations:
        print(f"instance-types: {v}")
    if show_notes:
        for n in notes:
            print(f"note: {n}")
    print(f"{len(rows)} types, {len(violations)} violation{'' if len(violations) == 1 else 's'}, "
          f"{len(notes)} note{'' if len(notes) == 1 else 's'}"
          + ("" if show_notes or not notes else " (--notes lists them)"))
    return 1 if violations else 0


# ---- the module's table (--emit-c) ------------------------------------------------------
#
# Which types vnitro models, and the properties of each that the catalogue does not hold,
# as rules over the catalogue's columns. The sources of each rule are in
# Documentation/instance-types.md ("What the module takes from it").

# The Intel 82599 VF's queue pairs (ixgbevf's IXGBEVF_MAX_RSS_QUEUES); the catalogue's
# ena_queues means nothing on those types (see --notes).
IXGBEVF_QUEUES = 2

# vnitro's two EFA personalities (kmod/include/vcore/efa.h): 0xefa0 without RDMA read, and
# 0xefa2 with it. EC2 User Guide, efa.html "Supported instance types" (newest revision,
# read in the c2hans/aws-docs mirror at 0cf87289): "RDMA read is supported on all
# instances with Nitro version 4 and later", and of Nitro v3 on p4d and p4de only. So the
# Nitro v3 EFA families without p4d/p4de are the ones without RDMA read; every newer EFA
# family has it. (EC2's own device ids run 0xefa0-0xefa3 with the Nitro version; vnitro
# shows two of them, see Documentation/instance-types.md.)
EFA_WITHOUT_RDMA_READ = {"c5n", "dl2q", "g4dn", "g5", "i3en", "inf1", "m5dn", "m5n", "m5zn",
                         "p3dn", "r5dn", "r5n", "vt1", "x2iezn"}

# ENA types whose device hashes with its own fixed key (only the indirection table is
# settable; vcore/ena.h VCORE_ENA_RSS_KEY_FIXED). amzn-drivers ENA_Linux_Best_Practices.rst
# (64788ef7, l.557-561): key configuration "is supported by the EC2 Nitro v3 network
# accelerated instances (c5n, m5n, r5n etc) and all EC2 Nitro v4 generation instances".
# So the Nitro v2 families (EC2's ec2-nitro-instances page) have the fixed key; so, by
# inference, has ENA on Xen. Every other ENA type takes a key.
RSS_FIXED_KEY_FAMILIES = {"a1", "c5", "c5a", "c5ad", "c5d", "c6g", "c6gd", "g5g", "i3", "m5",
                          "m5a", "m5ad", "m5d", "m6g", "m6gd", "mac1", "mac2", "mac2-m1ultra",
                          "mac2-m2", "mac2-m2pro", "r5", "r5a", "r5ad", "r5b", "r5d", "r6g",
                          "r6gd", "t3", "t3a", "t4g", "x2gd", "z1d"}


def modelled(r):
    """The adapter vnitro gives type @r ("ena", "ixgbevf"), or None: no enhanced networking."""
    family = r["name"].split(".")[0]
    if r["ena_support"] != "unsupported":
        return "ena"
    if family in INTEL_VF_FAMILIES and r["name"] not in INTEL_VF_EXCEPTIONS:
        return "ixgbevf"
    return None


def c_row(r):
    """One VNITRO_TYPE(...) line of the module's table for catalogue row @r."""
    adapter = modelled(r)
    family = r["name"].split(".")[0]
    cards = int(r["network_cards"])
    # The instance's bandwidth: card 0's figures times the cards (every card of every
    # multi-card type has card 0's figures but p6-b300.48xlarge's; see --notes).
    baseline = int(r["baseline_mbps"] or 0) * cards
    peak = int(r["peak_mbps"] or r["baseline_mbps"] or 0) * cards
    if adapter == "ixgbevf":
        queues = IXGBEVF_QUEUES
    else:
        queues = int(r["ena_queues"] or 1)
    if r["efa"] == "1":
        efa = "efa_gen1" if family in EFA_WITHOUT_RDMA_READ else "efa_gen2"
    else:
        efa = "no_efa"
    key = "fixed" if adapter == "ixgbevf" or r["hypervisor"] == "xen" \
        or family in RSS_FIXED_KEY_FAMILIES else "configurable"
    fields = [f'"{r["name"]}"', r["vcpus"], r["max_enis"], r["network_cards"],
              r["max_enis_per_card"], r["ipv4_per_eni"], str(queues), str(baseline),
              str(peak), efa, r["efa_max_interfaces"], r["ena_srd"], key, adapter]
    return "VNITRO_TYPE(" + ", ".join(fields) + ")"


def emit_c(rows, out):
    kept = [r for r in sorted(rows, key=lambda r: sort_key(r["name"])) if modelled(r)]
    left = sorted({r["name"].split(".")[0] for r in rows if not modelled(r)}, key=natural)
    out.write(f"""/* SPDX-License-Identifier: GPL-2.0 */
/*
 * types_table.h - the EC2 instance types vnitro models: {len(kept)} of the catalogue's {len(rows)}.
 * Generated by "scripts/instance-types.py --emit-c Documentation/data/ec2-instance-types.tsv";
 * do not edit (make check compares it with a fresh one). Left out, having no enhanced
 * networking: the {", ".join(left)} types.
 *
 * VNITRO_TYPE(name, vcpus, max_enis, network_cards, max_enis_per_card, ipv4_per_eni,
 *             ena_queues, baseline_mbps, peak_mbps, efa, max_efas, ena_express,
 *             rss_key, adapter)
 */
""")
    for r in kept:
        out.write(c_row(r) + "\n")


def main(argv):
    args = argv[1:]
    mode = None
    if args and args[0] in ("--check", "--notes", "--emit-c"):
        mode = args.pop(0)
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit(__doc__.split("\n\n")[1])
    rows, dump = load(args[0])
    if mode == "--emit-c":
        emit_c(rows, sys.stdout)
        return 0
    if mode:
        return check(rows, dump, mode == "--notes")
    if dump is None:
        sys.exit("Error: the TSV is the output; give the DescribeInstanceTypes dump")
    write_tsv(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
