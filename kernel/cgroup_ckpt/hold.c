// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: holding the connections of a group killed after its checkpoint.
 *
 * "checkpoint kill" writes the state of each established TCP connection
 * and then kills its tasks; their sockets close silently (in repair mode,
 * tcp.c).  Until a restart makes them again, segments keep arriving for
 * connections that have no socket any more, and the kernel would answer
 * each with a reset.  A hold drops them instead, before TCP sees them:
 * the peers see a silent network and retransmit, as across a link that
 * went down for a while.
 *
 * A hold is an entry (netns, local address and port, remote address and
 * port) in one hash table, looked up by a netfilter hook at LOCAL_IN of
 * IPv4 and IPv6 (right after the source NAT there, so that the addresses
 * are the socket's), registered in a network namespace while it has holds
 * and only then.  An entry is added before its socket is saved (so that what
 * the image holds is all the peer was acknowledged) and dropped when a
 * restart made the connection again, when the group that was checkpointed
 * is told "release" (ckpt.trigger) or removed, or when the checkpoint
 * failed.  The namespace is kept (get_net()) while it holds connections.
 *
 * Writers hold ckpt_hold_mutex; the hook reads under RCU.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/hashtable.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "hold.h"

/* What a segment and a socket are matched on; no padding: memcmp()ed. */
struct ckpt_hold_key {
	const struct net *net;
	__be32	laddr[4];		/* IPv4 (and v4-mapped): laddr[0] */
	__be32	raddr[4];
	__be16	lport;
	__be16	rport;
	u32	v6;
};

/* The hooks of one network namespace with holds, and how many it has. */
struct ckpt_hold_net {
	struct list_head	node;
	struct net		*net;
	unsigned int		nr;
	struct nf_hook_ops	ops[2];
	struct rcu_head		rcu;
};

struct ckpt_hold {
	struct hlist_node	node;
	struct ckpt_hold_key	key;
	struct ckpt_hold_net	*hn;
	u64			owner;
	struct rcu_head		rcu;
};

static DEFINE_MUTEX(ckpt_hold_mutex);
static DEFINE_HASHTABLE(ckpt_holds, 8);
static LIST_HEAD(ckpt_hold_nets);

static u32 ckpt_hold_hash(const struct ckpt_hold_key *k)
{
	return jhash2((const u32 *)k->laddr, 2 * 4 + 1, net_hash_mix(k->net));
}

/* The held entry of @k, or NULL.  Under RCU or ckpt_hold_mutex. */
static struct ckpt_hold *ckpt_hold_find(const struct ckpt_hold_key *k)
{
	struct ckpt_hold *h;

	hash_for_each_possible_rcu(ckpt_holds, h, node, ckpt_hold_hash(k),
				   lockdep_is_held(&ckpt_hold_mutex))
		if (!memcmp(&h->key, k, sizeof(*k)))
			return h;
	return NULL;
}

/* Drop an incoming TCP segment of a held connection; accept the rest. */
static unsigned int ckpt_hold_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct ckpt_hold_key k = { .net = state->net };
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int off;
	bool held;

	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP)
			return NF_ACCEPT;
		k.laddr[0] = iph->daddr;
		k.raddr[0] = iph->saddr;
		off = skb_network_offset(skb) + ip_hdrlen(skb);
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		u8 nexthdr = ip6h->nexthdr;
		__be16 frag_off;
		int thoff;

		thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
					 &nexthdr, &frag_off);
		if (thoff < 0 || nexthdr != IPPROTO_TCP)
			return NF_ACCEPT;
		memcpy(k.laddr, &ip6h->daddr, sizeof(k.laddr));
		memcpy(k.raddr, &ip6h->saddr, sizeof(k.raddr));
		k.v6 = 1;
		off = thoff;
#endif
	}
	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	k.lport = th->dest;
	k.rport = th->source;
	rcu_read_lock();
	held = ckpt_hold_find(&k);
	rcu_read_unlock();
	return held ? NF_DROP : NF_ACCEPT;
}

/* The key of an established (or being restored) TCP socket. */
static void ckpt_hold_sk_key(struct sock *sk, struct ckpt_hold_key *k)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(k, 0, sizeof(*k));
	k->net = sock_net(sk);
	k->lport = inet->inet_sport;
	k->rport = inet->inet_dport;
	if (sk->sk_family == AF_INET) {
		k->laddr[0] = inet->inet_rcv_saddr;
		k->raddr[0] = inet->inet_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	} else if (ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		/* a v4-mapped connection: IPv4 segments, IPv4's addresses */
		k->laddr[0] = inet->inet_rcv_saddr;
		k->raddr[0] = inet->inet_daddr;
	} else {
		memcpy(k->laddr, &sk->sk_v6_rcv_saddr, sizeof(k->laddr));
		memcpy(k->raddr, &sk->sk_v6_daddr, sizeof(k->raddr));
		k->v6 = 1;
#endif
	}
}

/* The hooks of @net, registered on its first hold.  Under the mutex. */
static struct ckpt_hold_net *ckpt_hold_net_get(struct net *net)
{
	static const u8 pfs[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	/* after the source NAT of LOCAL_IN undoes an OUTPUT DNAT's replies */
	static const int prio[] = { NF_IP_PRI_NAT_SRC + 1, NF_IP6_PRI_NAT_SRC + 1 };
	struct ckpt_hold_net *hn;
	unsigned int i, nr = IS_ENABLED(CONFIG_IPV6) ? 2 : 1;
	int ret;

	list_for_each_entry(hn, &ckpt_hold_nets, node)
		if (hn->net == net)
			return hn;
	hn = kzalloc(sizeof(*hn), GFP_KERNEL);
	if (!hn)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < nr; i++) {
		hn->ops[i].hook = ckpt_hold_hook;
		hn->ops[i].pf = pfs[i];
		hn->ops[i].hooknum = NF_INET_LOCAL_IN;
		hn->ops[i].priority = prio[i];
	}
	ret = nf_register_net_hooks(net, hn->ops, nr);
	if (ret) {
		kfree(hn);
		return ERR_PTR(ret);
	}
	hn->net = get_net(net);
	list_add(&hn->node, &ckpt_hold_nets);
	return hn;
}

/* Drop one hold, and the hooks with the last of their namespace. */
static void ckpt_hold_del(struct ckpt_hold *h)
{
	struct ckpt_hold_net *hn = h->hn;

	hash_del_rcu(&h->node);
	kfree_rcu(h, rcu);
	if (--hn->nr)
		return;
	list_del(&hn->node);
	nf_unregister_net_hooks(hn->net, hn->ops, IS_ENABLED(CONFIG_IPV6) ? 2 : 1);
	put_net(hn->net);
	/* the hook blob the ops were in goes after a grace period too */
	kfree_rcu(hn, rcu);
}

/**
 * ckpt_hold_add() - hold the connection of a TCP socket
 * @sk:    an established TCP socket
 * @owner: the id of the group it is held for (cgroup_id())
 *
 * From now on, segments coming to the connection of @sk are dropped until
 * the hold is dropped; those already past the hook may still reach @sk:
 * synchronize_net() waits for them.  Holding a held connection again
 * changes its owner.
 *
 * Context: process context.  Sleeps.
 * Return: 0 or a negative errno.
 */
int ckpt_hold_add(struct sock *sk, u64 owner)
{
	struct ckpt_hold_net *hn;
	struct ckpt_hold *h;
	struct ckpt_hold_key k;

	ckpt_hold_sk_key(sk, &k);
	mutex_lock(&ckpt_hold_mutex);
	h = ckpt_hold_find(&k);
	if (h) {
		h->owner = owner;
		mutex_unlock(&ckpt_hold_mutex);
		return 0;
	}
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	hn = h ? ckpt_hold_net_get(sock_net(sk)) : ERR_PTR(-ENOMEM);
	if (IS_ERR(hn)) {
		mutex_unlock(&ckpt_hold_mutex);
		kfree(h);
		return PTR_ERR(hn);
	}
	h->key = k;
	h->hn = hn;
	h->owner = owner;
	hn->nr++;
	hash_add_rcu(ckpt_holds, &h->node, ckpt_hold_hash(&k));
	mutex_unlock(&ckpt_hold_mutex);
	return 0;
}

/**
 * ckpt_hold_drop() - let the segments of a TCP socket's connection in again
 * @sk: the socket, held or not
 *
 * Context: process context.  Sleeps.
 */
void ckpt_hold_drop(struct sock *sk)
{
	struct ckpt_hold_key k;
	struct ckpt_hold *h;

	ckpt_hold_sk_key(sk, &k);
	mutex_lock(&ckpt_hold_mutex);
	h = ckpt_hold_find(&k);
	if (h)
		ckpt_hold_del(h);
	mutex_unlock(&ckpt_hold_mutex);
}

/**
 * ckpt_hold_release() - drop every hold of a group, or count them
 * @owner: the group's cgroup_id()
 * @drop:  drop them (else only count)
 *
 * Context: process context.  Sleeps.
 * Return: the number of holds of @owner (before they were dropped).
 */
unsigned int ckpt_hold_release(u64 owner, bool drop)
{
	struct hlist_node *tmp;
	struct ckpt_hold *h;
	unsigned int bkt, nr = 0;

	mutex_lock(&ckpt_hold_mutex);
	hash_for_each_safe(ckpt_holds, bkt, tmp, h, node) {
		if (h->owner != owner)
			continue;
		nr++;
		if (drop)
			ckpt_hold_del(h);
	}
	mutex_unlock(&ckpt_hold_mutex);
	return nr;
}
