/* fuzz.h - the libFuzzer entry points, shared by the targets and the plain
 * replay driver (replay.c) that ctest runs over saved inputs. */
#ifndef PKTPATH_TESTS_FUZZ_H
#define PKTPATH_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
