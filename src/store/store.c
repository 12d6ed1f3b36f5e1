/* store.c — what every backend shares: the names of the store's result codes. */
#include "store/store.h"

const char *store_strerror(int rc)
{
	switch (rc) {
	case STORE_OK:
		return "ok";
	case STORE_EARG:
		return "invalid argument";
	case STORE_ENOMEM:
		return "out of memory";
	case STORE_EIO:
		return "database failure";
	case STORE_ENOTFOUND:
		return "not found";
	case STORE_EEXIST:
		return "exists already";
	case STORE_ESCHEMA:
		return "database schema newer than this possum, or a migration failed";
	case STORE_ETXN:
		return "no transaction open";
	case STORE_ESPACE:
		return "output buffer too small";
	case STORE_EBUSY:
		return "the store is in use (a host runs on it?)";
	case STORE_ENOTSTORE:
		return "not a possum store, or it fails its integrity check";
	case STORE_EINDOUBT:
		return "the commit's sync failed: committed or not, nobody can say until a restart";
	}
	return "unknown store error";
}
