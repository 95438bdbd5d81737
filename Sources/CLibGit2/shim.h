// What Swift cannot call directly in libgit2 1.5: the variadic git_libgit2_opts and the *_INIT macros.
// Every symbol here is prefixed `gpm_` so it cannot collide with libgit2's own.
#ifndef GPMSYNC_CLIBGIT2_SHIM_H
#define GPMSYNC_CLIBGIT2_SHIM_H

#include <git2.h>
#include <string.h>

static inline int gpm_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

static inline int gpm_enable_fsync_gitdir(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

static inline int gpm_enable_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

/* The PEM bundle https certificates are verified against (GIT_OPT_SET_SSL_CERT_LOCATIONS is variadic). */
static inline int gpm_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)NULL);
}

static inline git_fetch_options gpm_fetch_options_init(void) {
    git_fetch_options o = GIT_FETCH_OPTIONS_INIT;
    return o;
}

static inline git_push_options gpm_push_options_init(void) {
    git_push_options o = GIT_PUSH_OPTIONS_INIT;
    return o;
}

static inline git_remote_callbacks gpm_remote_callbacks_init(void) {
    git_remote_callbacks o = GIT_REMOTE_CALLBACKS_INIT;
    return o;
}

static inline git_merge_options gpm_merge_options_init(void) {
    git_merge_options o = GIT_MERGE_OPTIONS_INIT;
    return o;
}

static inline git_merge_file_options gpm_merge_file_options_init(void) {
    git_merge_file_options o = GIT_MERGE_FILE_OPTIONS_INIT;
    return o;
}

static inline git_merge_file_input gpm_merge_file_input_init(void) {
    git_merge_file_input o = GIT_MERGE_FILE_INPUT_INIT;
    return o;
}

static inline git_diff_options gpm_diff_options_init(void) {
    git_diff_options o = GIT_DIFF_OPTIONS_INIT;
    return o;
}

static inline git_checkout_options gpm_checkout_options_init(void) {
    git_checkout_options o = GIT_CHECKOUT_OPTIONS_INIT;
    return o;
}

static inline git_status_options gpm_status_options_init(void) {
    git_status_options o = GIT_STATUS_OPTIONS_INIT;
    return o;
}

static inline git_repository_init_options gpm_repository_init_options_init(void) {
    git_repository_init_options o = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    return o;
}

static inline git_oid gpm_oid_zero(void) {
    git_oid o;
    memset(&o, 0, sizeof o);
    return o;
}

#endif
