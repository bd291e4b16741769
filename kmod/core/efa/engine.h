// SPDX-License-Identifier: GPL-2.0
// engine.h - the EFA data path: send WQEs in, bytes moved, completions out.
//
// One pass walks every QP of every device, each device under its own lock
// (vcore/efa.h: the engine's locking), so no object goes away during its
// device's share of a pass. Every descriptor is copied out of the shared
// ring and checked against the device's tables (keys, bounds, PD, AH, QKey,
// state) before a byte moves; bytes move only through the environment's
// copy ops, between ranges the engine checked against registered MRs.
#pragma once

#include "efa/device.h"
#include "efa/srd.h"
#include "efa/wire.h"
#include "fabric/fabric.h"

namespace vnitro::efa {

// WQEs taken from one SQ per pass, so one busy QP cannot starve the others.
constexpr uint32_t sq_budget = 64;
// WQEs taken from one device per pass: what a verb on the device (or on one
// it sends to) waits for at most. 256 sends of at most the MTU (8928 bytes)
// copy about 2 MiB.
constexpr uint32_t dev_budget = 256;

// What crosses an SRD flow's path: a copy of message @seq.
struct srd_packet {
	uint32_t seq;
};

// Another host's SRD flow sending to a QP here, as the QP's duplicate filter
// for it: its ENI's MAC, its QP number and nonce. A filter idle for
// remote_idle_ns is started afresh (no copy of that flow can still be on its
// way: a sender gives up within a second); with every one busy, the one idle
// longest is taken over.
struct remote_flow {
	uint8_t mac[6];
	bool used;
	uint32_t qpn;
	uint32_t nonce;
	uint64_t last_ns;
	srd::receiver rx;
};

constexpr uint32_t remote_flows = 32;
constexpr uint64_t remote_idle_ns = 2000ull * 1000 * 1000;

// An SRD QP's sends on their way. The sender numbers each message and keeps
// its WQE (by sequence % window) until the receiver's answer, resending
// copies across the path; rx is the duplicate filter the receiving side
// keeps for this flow's sequence numbers (the engine runs both ends, so it
// lives here, beside the numbers it filters). Allocated with the QP.
// pending[] is the WQE as checked when it left the LLQ, inline bytes
// included: libefa counts SQ room by completions, not slots, so with SRD's
// unordered completions the LLQ slot may be rewritten while the message is
// still on its way, and the engine never reads it again.
struct srd_flow {
	srd::sender tx;
	srd::receiver rx;
	fabric::path<srd_packet, 2 * srd::window> wire;
	tx_request pending[srd::window];
	// Between hosts: this flow's nonce in the frames it sends, and the
	// duplicate filters this QP keeps for flows of other hosts' QPs.
	uint32_t nonce;
	remote_flow remotes[remote_flows];
};

// What a send needs to reach the receiver.
struct message {
	vcore_efa_dev *src_dev;
	qp *src_qp;
	const tx_request *req;
	const mr *src_mrs[tx_max_sge];	// checked MRs of req->sgl (not inline)
	uint32_t length;		// total bytes
};

// The one place a message leaves the sender toward the receiver: asks the
// fabric for the destination, places the message in a receive buffer and
// completes it there. Returns the status to complete the send WQE with; *rnr is set
// when an SRD receiver had no buffer (the WQE stays and is resent later).
// For a device of another host it sends message @seq (SRD) there, sets
// *remote and returns ok: an SRD message then waits for that host's answer.
status transmit(vcore_efa_engine *eng, const message &msg, uint32_t seq, bool *rnr, bool *remote);

// Restarts the engine's generators, every device's and every SRD flow's path,
// from @seed (the fabric's, when its path epoch changed). Engine lock held.
void reseed(vcore_efa_engine *eng, uint64_t seed);

} // namespace vnitro::efa
