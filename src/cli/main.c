/* main.c — the `possum` command: one binary, a subcommand per part of the system. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/crypto.h"
#include "store/store.h"

int main(int argc, char **argv)
{
	(void)store_global_init(); /* before any store, as it must be: cannot fail here */
	if (crypto_global_init() != CRYPTO_OK) {
		fprintf(stderr, "possum: OpenSSL cannot start\n");
		return CLI_FAILED;
	}
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("possum %s\n", POSSUM_VERSION);
		return CLI_OK;
	}
	return cli_dispatch(&cli_possum_group, argc, argv);
}
