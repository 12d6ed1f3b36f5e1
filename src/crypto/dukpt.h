/* dukpt.h — DUKPT key management: TDES (ANSI X9.24-1:2009 annex A) and AES (ANSI X9.24-3:2017).
 *
 * Host side: the initial key of a device from the BDK and its serial number, and any
 * transaction's keys from the initial key and the KSN the device sent. Terminal side: a
 * crypto_dukpt_terminal holds the device's key registers and gives one transaction key per
 * transaction, moving its counter on and never keeping a used key.
 *
 * Every function writes into caller-supplied buffers and returns CRYPTO_OK or a negative
 * CRYPTO_E* code (crypto.h): CRYPTO_EKEYLEN for a key length the variant does not take,
 * CRYPTO_EKSN for a KSN whose counter is zero or has too many one bits, CRYPTO_EARG for an
 * unknown usage or key type, CRYPTO_EEXHAUSTED when a terminal has no key left. On failure no
 * key is written. Every output is a clear key: the caller wipes it (crypto_wipe) after use, and
 * wipes a crypto_dukpt_terminal the same way when done with it. Intermediate keys are wiped
 * inside. Nothing is kept between calls but what the caller holds. */
#ifndef POSSUM_DUKPT_H
#define POSSUM_DUKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define CRYPTO_DUKPT_TDES_KEY_LEN 16 /* BDK, IPEK and every TDES DUKPT key: double length */
#define CRYPTO_DUKPT_TDES_KSN_LEN 10 /* 59-bit initial KSN, 21-bit counter (X9.24-1 A.1) */
#define CRYPTO_DUKPT_AES_KSN_LEN  12 /* 8-byte initial key ID, 4-byte counter (X9.24-3 6.2) */
#define CRYPTO_DUKPT_AES_IKID_LEN 8
#define CRYPTO_DUKPT_AES_KEY_MAX  32 /* longest AES DUKPT key: AES-256 */
#define CRYPTO_DUKPT_REGS         32 /* registers of a terminal: 21 used by TDES, 32 by AES */

/* What a working key is for. TDES XORs each half of the transaction key with the variant of
 * X9.24-1:2009 A.4.1 table A-1; AES puts the key usage indicator of X9.24-3:2017 6.3.2
 * table 2 in the derivation data. AES names the MAC and data keys after the transaction-
 * originating device: it generates the MAC and encrypts the data of its requests (the host
 * verifies and decrypts them with the same key), and verifies and decrypts the responses. So
 * "generation"/"encrypt" is the TDES "request" key and "verification"/"decrypt" the
 * "response" key. */
enum crypto_dukpt_usage {
	CRYPTO_DUKPT_PIN = 1,   /* PIN encryption. TDES 00000000000000FF; AES 1000 */
	CRYPTO_DUKPT_MAC,       /* MAC of requests. TDES 000000000000FF00 (request or both
	                         * ways); AES 2000 MAC generation */
	CRYPTO_DUKPT_MAC_RESP,  /* MAC of responses. TDES 00000000FF000000; AES 2001 MAC
	                         * verification */
	CRYPTO_DUKPT_MAC_BOTH,  /* MAC both ways. TDES: the CRYPTO_DUKPT_MAC key; AES 2002 */
	CRYPTO_DUKPT_DATA,      /* data of requests. TDES 0000000000FF0000 (request or both ways)
	                         * and the one-way function below; AES 3000 data encryption,
	                         * encrypt */
	CRYPTO_DUKPT_DATA_RESP, /* data of responses. TDES 000000FF00000000 and the one-way
	                         * function; AES 3001 data encryption, decrypt */
	CRYPTO_DUKPT_DATA_BOTH, /* data both ways. TDES: the CRYPTO_DUKPT_DATA key; AES 3002 */
};

/* Type and length of an AES DUKPT working key; the value is the algorithm indicator of
 * X9.24-3:2017 6.3.2 table 2. The derivation keys are AES of the BDK's length. */
enum crypto_dukpt_key_type {
	CRYPTO_DUKPT_2TDEA = 0,  /* 16 bytes */
	CRYPTO_DUKPT_3TDEA = 1,  /* 24 bytes */
	CRYPTO_DUKPT_AES128 = 2, /* 16 bytes */
	CRYPTO_DUKPT_AES192 = 3, /* 24 bytes */
	CRYPTO_DUKPT_AES256 = 4, /* 32 bytes */
};

/* ---- TDES DUKPT, ANSI X9.24-1:2009 annex A ----
 *
 * The data keys (CRYPTO_DUKPT_DATA, _DATA_RESP, _DATA_BOTH) are the variant key put through
 * the one-way function of A.4.1 figure A-2: each half of the variant key encrypted (TDES-ECB)
 * under the whole variant key. That is the key the annex A.4 examples encrypt data with, and
 * what HSMs and card readers call the DUKPT data key; the bare variant key is not offered. */

/* The initial key (IPEK) of the device whose KSN is ksn; the counter bits are ignored (A.6). */
int crypto_dukpt_tdes_ipek(const uint8_t bdk[CRYPTO_DUKPT_TDES_KEY_LEN],
                           const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                           uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN]);

/* The transaction key ("current key") of ksn, from the device's initial key (A.3). */
int crypto_dukpt_tdes_transaction_key(const uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN],
                                      const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                                      uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN]);

/* The working key for usage from a transaction key (A.4.1). */
int crypto_dukpt_tdes_working_key(const uint8_t txn_key[CRYPTO_DUKPT_TDES_KEY_LEN],
                                  enum crypto_dukpt_usage usage,
                                  uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN]);

/* Host in one call: the working key for usage of the transaction ksn, from the BDK. */
int crypto_dukpt_tdes_key(const uint8_t bdk[CRYPTO_DUKPT_TDES_KEY_LEN],
                          const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                          enum crypto_dukpt_usage usage, uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN]);

/* ---- AES DUKPT, ANSI X9.24-3:2017 ----
 *
 * The BDK is AES-128, -192 or -256 (16, 24 or 32 bytes); the initial key and every
 * intermediate derivation key have its length. A working key is no stronger than the key it
 * comes from (6.1.3): an AES working key longer than the BDK is CRYPTO_EKEYLEN. */

/* The initial key of the device initial_key_id (6.3.3, usage 8001): bdk_len bytes to ik. */
int crypto_dukpt_aes_initial_key(const uint8_t *bdk, size_t bdk_len,
                                 const uint8_t initial_key_id[CRYPTO_DUKPT_AES_IKID_LEN],
                                 uint8_t *ik);

/* The intermediate derivation key of ksn's counter (the "transaction key" of the X9.24-3 test
 * vectors), from the initial key: ik_len bytes to key. */
int crypto_dukpt_aes_transaction_key(const uint8_t *ik, size_t ik_len,
                                     const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN], uint8_t *key);

/* The working key of type for usage from the transaction key of ksn; *key_len gets its
 * length. */
int crypto_dukpt_aes_working_key(const uint8_t *txn_key, size_t txn_key_len,
                                 const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN],
                                 enum crypto_dukpt_usage usage, enum crypto_dukpt_key_type type,
                                 uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX], size_t *key_len);

/* Host in one call: the working key of type for usage of the transaction ksn, from the BDK. */
int crypto_dukpt_aes_key(const uint8_t *bdk, size_t bdk_len,
                         const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN], enum crypto_dukpt_usage usage,
                         enum crypto_dukpt_key_type type, uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX],
                         size_t *key_len);

/* ---- The transaction-originating device ----
 *
 * Register i holds the key of the next counter whose lowest one bit is bit i (X9.24-1:2009
 * A.2 future key registers, X9.24-3:2017 6.4 intermediate derivation key registers). Each
 * transaction takes the key of the current counter, derives from it the keys of the counters
 * one bit further, erases it and moves the counter on, skipping every counter with more than
 * 10 (TDES) or 16 (AES) one bits. After the last counter the terminal is exhausted. The caller
 * allocates the struct; its fields belong to dukpt.c. */
typedef struct crypto_dukpt_terminal {
	uint8_t reg[CRYPTO_DUKPT_REGS][CRYPTO_DUKPT_AES_KEY_MAX];
	uint64_t counter;                      /* the next transaction's counter */
	uint32_t valid;                        /* bit i: reg[i] holds a key */
	uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN]; /* the KSN, counter field zero */
	uint8_t key_len;                       /* 16 (TDES); 16, 24 or 32 (AES) */
	uint8_t aes;                           /* loaded by crypto_dukpt_aes_terminal_load */
} crypto_dukpt_terminal;

/* Loads a device with its initial key. The counter field of ksn is normally zero: the first
 * transaction then uses counter 1. A non-zero counter starts the device at that counter, its
 * registers as the standard's algorithm leaves them there (a simulated device resuming, or a
 * test near the end of the counter range); the counter must be a valid one (CRYPTO_EKSN). */
int crypto_dukpt_tdes_terminal_load(crypto_dukpt_terminal *t,
                                    const uint8_t ipek[CRYPTO_DUKPT_TDES_KEY_LEN],
                                    const uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN]);
int crypto_dukpt_aes_terminal_load(crypto_dukpt_terminal *t, const uint8_t *ik, size_t ik_len,
                                   const uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN]);

/* The next transaction: its KSN and transaction key (TDES: apply
 * crypto_dukpt_tdes_working_key; AES: crypto_dukpt_aes_working_key with this KSN). A terminal
 * loaded by the other variant's load is CRYPTO_EARG. */
int crypto_dukpt_tdes_terminal_next(crypto_dukpt_terminal *t,
                                    uint8_t ksn[CRYPTO_DUKPT_TDES_KSN_LEN],
                                    uint8_t key[CRYPTO_DUKPT_TDES_KEY_LEN]);
int crypto_dukpt_aes_terminal_next(crypto_dukpt_terminal *t, uint8_t ksn[CRYPTO_DUKPT_AES_KSN_LEN],
                                   uint8_t key[CRYPTO_DUKPT_AES_KEY_MAX], size_t *key_len);

/* True when the terminal has no key left: all counters used, or never loaded. */
bool crypto_dukpt_terminal_exhausted(const crypto_dukpt_terminal *t);

#endif
