#ifndef CSPAWN_H
#define CSPAWN_H
#include <spawn.h>

/// glibc's posix_spawn_file_actions_addchdir_np (2.29), declared only under _GNU_SOURCE, which Swift's
/// Glibc module does not define: the child changes folder, the parent never does.
int cspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
