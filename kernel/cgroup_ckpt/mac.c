// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the keyed MAC of an image (ckpt.key).
 *
 * A group may name a key of the kernel keyring in ckpt.key: a "user" or
 * "logon" key whose payload is the secret.  The key in force for a group is
 * its own, else that of its nearest ancestor that has one.  With a key in
 * force, a checkpoint computes HMAC-SHA256 of every byte of the image as it
 * goes out, sets CKPT_HDR_MAC in the file header and writes the MAC in a
 * CKPT_REC_MAC record before the trailer; a restart computes it over the
 * bytes as they come in, refuses an image whose header lacks the flag at
 * once, and one whose MAC does not match when it reaches the MAC record.
 * As with the trailer's checksum, records before the MAC have been acted on
 * by then: the restart fails, and a failed restart leaves no task.
 *
 * Without a key in force, the MAC record of a signed image is read and
 * ignored: nothing to check it against.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <keys/user-type.h>
#include <linux/key-type.h>
#include <linux/cred.h>
#include <linux/key.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_mac) == 48);

/* Shortest secret accepted: HMAC-SHA256 with fewer bits is weak. */
#define CKPT_KEY_MIN_LEN	16

/* The secret's length, or a negative errno for a revoked or expired key. */
static int ckpt_key_len(struct key *key)
{
	const struct user_key_payload *up;
	int ret;

	down_read(&key->sem);
	ret = key_validate(key);
	up = user_key_payload_locked(key);
	if (!ret)
		ret = up ? up->datalen : -EKEYREVOKED;
	up_read(&key->sem);
	return ret;
}

/**
 * ckpt_key_set() - set or clear the key of ckpt.key
 * @cc:  the group
 * @buf: a key serial number, or "none" or "" to clear
 *
 * The key is looked up with the credentials of the caller, as keyctl does:
 * it must be one the caller may search (possessed through its keyrings, or
 * granted "search" permission).  It must be of type "user" or "logon",
 * valid, and hold at least 16 bytes.  The group keeps a reference.
 *
 * Context: process context, with the opener's credentials in force.
 * Return: 0, -EINVAL for a malformed number, another key type or a short
 * key, -EBUSY during an operation, or the lookup's error (-ENOKEY,
 * -EACCES, -EKEYREVOKED, -EKEYEXPIRED).
 */
int ckpt_key_set(struct ckpt_cgroup *cc, const char *buf)
{
	struct key *key = NULL, *old;
	key_ref_t ref;
	s32 serial;
	int ret;

	if (*buf && strcmp(buf, "none")) {
		if (kstrtos32(buf, 10, &serial) || serial <= 0)
			return -EINVAL;
		ref = lookup_user_key(serial, 0, KEY_NEED_SEARCH);
		if (IS_ERR(ref))
			return PTR_ERR(ref);
		key = key_ref_to_ptr(ref);
		ret = -EINVAL;
		if (key->type == &key_type_user || key->type == &key_type_logon)
			ret = ckpt_key_len(key);
		if (ret >= 0 && ret < CKPT_KEY_MIN_LEN)
			ret = -EINVAL;
		if (ret < 0) {
			key_put(key);
			return ret;
		}
	}
	if (test_bit(0, &cc->busy)) {
		key_put(key);
		return -EBUSY;
	}
	mutex_lock(&cc->lock);
	old = cc->key;
	cc->key = key;
	mutex_unlock(&cc->lock);
	key_put(old);
	return 0;
}

/**
 * ckpt_key_get() - the key in force for a group
 * @cc: the group
 *
 * Context: process context; takes the locks of @cc and its ancestors.
 * Return: a reference to the group's own key, else to its nearest
 * ancestor's, or NULL if none has one.
 */
struct key *ckpt_key_get(struct ckpt_cgroup *cc)
{
	struct key *key = NULL;

	for (; cc && !key; cc = css_ckpt(cc->css.parent)) {
		mutex_lock(&cc->lock);
		if (cc->key)
			key = key_get(cc->key);
		mutex_unlock(&cc->lock);
	}
	return key;
}

/**
 * ckpt_key_show() - show the key in force, for ckpt.key
 * @cc: the group
 * @sf: the file
 *
 * Shows "SERIAL TYPE:DESCRIPTION", or "none".
 */
void ckpt_key_show(struct ckpt_cgroup *cc, struct seq_file *sf)
{
	struct key *key = ckpt_key_get(cc);

	if (!key) {
		seq_puts(sf, "none\n");
		return;
	}
	seq_printf(sf, "%d %s:%s\n", key->serial, key->type->name,
		   key->description ?: "");
	key_put(key);
}

/**
 * ckpt_mac_begin() - start the MAC of an image with the key in force
 * @ctx: a checkpoint or restart whose ctx->key is set
 *
 * Called before the file header goes out or comes in: the MAC covers it.
 *
 * Return: 0, or a negative errno (the reason is recorded).
 */
int ckpt_mac_begin(struct ckpt_ctx *ctx)
{
	const struct user_key_payload *up;
	struct crypto_shash *tfm;
	struct shash_desc *desc;
	int ret;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return ckpt_fail(ctx, PTR_ERR(tfm),
				 "ckpt.key: HMAC-SHA256 is not available (error %ld)",
				 PTR_ERR(tfm));
	desc = kzalloc(sizeof(*desc) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (!desc) {
		crypto_free_shash(tfm);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	desc->tfm = tfm;
	down_read(&ctx->key->sem);
	ret = key_validate(ctx->key);
	up = user_key_payload_locked(ctx->key);
	if (!ret && !up)
		ret = -EKEYREVOKED;
	if (!ret)
		ret = crypto_shash_setkey(tfm, up->data, up->datalen);
	up_read(&ctx->key->sem);
	if (!ret)
		ret = crypto_shash_init(desc);
	ctx->s.mac = desc;
	if (ret)
		return ckpt_fail(ctx, ret,
				 "ckpt.key: key %d cannot be used, revoked or expired? (error %d)",
				 ctx->key->serial, ret);
	return 0;
}

/**
 * ckpt_mac_free() - drop the MAC state of a stream, if any
 * @s: the stream
 */
void ckpt_mac_free(struct ckpt_stream *s)
{
	if (!s->mac)
		return;
	crypto_free_shash(s->mac->tfm);
	kfree_sensitive(s->mac);
	s->mac = NULL;
}

/* The MAC of the bytes so far; later bytes are not counted. */
static int ckpt_mac_final(struct ckpt_ctx *ctx, u8 *out)
{
	int ret = crypto_shash_final(ctx->s.mac, out);

	ckpt_mac_free(&ctx->s);
	if (ret)
		return ckpt_fail(ctx, ret, "image: computing its MAC failed (error %d)",
				 ret);
	return 0;
}

/**
 * ckpt_write_mac() - write the MAC record of a signed image
 * @ctx: the checkpoint, its last task written
 *
 * Return: 0 (also when no key is in force: nothing to write), or a
 * negative errno (the reason is recorded).
 */
int ckpt_write_mac(struct ckpt_ctx *ctx)
{
	struct ckpt_mac r = { };
	int ret;

	if (!ctx->s.mac)
		return 0;
	r.alg = cpu_to_le32(CKPT_MAC_HMAC_SHA256);
	r.mac_len = cpu_to_le32(CKPT_MAC_LEN);
	ret = ckpt_mac_final(ctx, r.mac);
	if (ret)
		return ret;
	return ckpt_write(ctx, &r, CKPT_REC_MAC, sizeof(r));
}

/**
 * ckpt_mac_check_header() - refuse an unsigned image when a key is in force
 * @ctx:   the restart, its file header read
 * @flags: the header's flags (CPU order)
 *
 * Return: 0, or -EBADMSG (the reason is recorded).
 */
int ckpt_mac_check_header(struct ckpt_ctx *ctx, u32 flags)
{
	if (ctx->s.mac && !(flags & CKPT_HDR_MAC))
		return ckpt_fail(ctx, -EBADMSG,
				 "image not signed: ckpt.key (key %d) requires a MAC",
				 ctx->key->serial);
	return 0;
}

/**
 * ckpt_read_mac() - read and check the MAC record of a signed image
 * @ctx:          the restart, every task read
 * @signed_image: the header has CKPT_HDR_MAC: the next record is the MAC
 *
 * With a key in force the MAC must match; without one it is only read.
 *
 * Return: 0, -EBADMSG for a MAC that is missing or does not match,
 * -EINVAL for a malformed record, or a stream error (the reason is
 * recorded).
 */
int ckpt_read_mac(struct ckpt_ctx *ctx, bool signed_image)
{
	bool verify = ctx->s.mac;
	u8 want[CKPT_MAC_LEN];
	struct ckpt_hdr rec;
	struct ckpt_mac r;
	int ret;

	if (!signed_image)
		return 0;
	if (verify) {
		ret = ckpt_mac_final(ctx, want);
		if (ret)
			return ret;
	}
	ret = ckpt_read_rec(ctx, &rec);
	if (ret)
		return ret;
	if (rec.type != CKPT_REC_MAC)
		return ckpt_fail(ctx, verify ? -EBADMSG : -EINVAL,
				 "image not signed: record type %#x where its MAC was expected",
				 rec.type);
	if (rec.len != sizeof(r))
		return ckpt_fail(ctx, -EINVAL, "image: bad MAC record length %u",
				 rec.len);
	ret = ckpt_read_payload(ctx, (u8 *)&r + sizeof(r.rec),
				sizeof(r) - sizeof(r.rec));
	if (ret)
		return ret;
	if (le32_to_cpu(r.alg) != CKPT_MAC_HMAC_SHA256 ||
	    le32_to_cpu(r.mac_len) != CKPT_MAC_LEN)
		return ckpt_fail(ctx, -EINVAL,
				 "image: unknown MAC algorithm %u (length %u)",
				 le32_to_cpu(r.alg), le32_to_cpu(r.mac_len));
	if (verify && crypto_memneq(want, r.mac, CKPT_MAC_LEN))
		return ckpt_fail(ctx, -EBADMSG,
				 "image MAC mismatch (ckpt.key key %d): tampered, or signed with another key",
				 ctx->key->serial);
	return 0;
}
