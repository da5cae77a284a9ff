/* ws-test-service.h — the real `windsock` service on a private session
 * bus (GTestDBus), for the end-to-end tests: set up, started, driven
 * through its actions and methods, and quit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cli-fixture.h"
#include "ws-test-notifications.h"

G_BEGIN_DECLS

typedef struct
{
  GTestDBus           *bus;
  GDBusConnection     *connection;
  WsTestNotifications *notifications;  /* the bus's notification server */
  GSubprocess         *process;        /* the running service, or NULL */
  gboolean             exited;         /* @process ended */
  char                *log_path;       /* its stdout and stderr */
} WsTestService;

/* A bus for @cli's windsock (with @service_dir for activation, or NULL)
 * and a notification server on it; @cli's environment points there. */
void     ws_test_service_set_up       (WsTestService *self,
                                       CliFixture    *cli,
                                       const char    *service_dir);
void     ws_test_service_tear_down    (WsTestService *self);

/* The default profile: region eu-west-1 and the fake's static keys. */
void     ws_test_service_write_default_profile (CliFixture *cli);
/* Writes the shell script @text to @path, executable, and makes it the
 * windows' program (WINDSOCK_UI) of @cli's windsock. */
void     ws_test_service_install_ui   (CliFixture    *cli,
                                       const char    *path,
                                       const char    *text);

/* Starts windsock in @cli's environment (under $WINDSOCK_WRAPPER if set),
 * with debug messages, and waits until it owns its name. */
void     ws_test_service_start        (WsTestService *self,
                                       CliFixture    *cli);
/* Whether the service's name has an owner (a `gpointer` for waits). */
gboolean ws_test_service_is_up        (gpointer       self);
/* Whether the service answers a Ping. */
gboolean ws_test_service_ping         (WsTestService *self);

/* org.gtk.Actions.Activate: @parameter and @platform_data may be NULL
 * (floating references are sunk). */
void     ws_test_service_activate     (WsTestService *self,
                                       const char    *name,
                                       GVariant      *parameter);
void     ws_test_service_activate_full (WsTestService *self,
                                        const char    *name,
                                        GVariant      *parameter,
                                        GVariant      *platform_data);

/* A method call that is answered later. */
typedef struct
{
  GVariant *reply;
  GError   *error;
  gboolean  done;
} WsTestServiceCall;

/* OpenEnvironment (@ref, @how), answered once the browser was started. */
void     ws_test_service_open_environment_async (WsTestService     *self,
                                                 const char        *ref,
                                                 const char        *how,
                                                 WsTestServiceCall *call);
/* Waits for @call's answer, asserts it succeeded and readies @call for
 * another. */
void     ws_test_service_call_wait    (WsTestServiceCall *call);

/* Waits until the service ended on its own (exit status 0: a memory
 * error under valgrind or ASan makes it non-zero). */
void     ws_test_service_wait_exit    (WsTestService *self);
/* Quits through app.quit (what GNOME's background-apps UI uses) and
 * waits for a clean exit. */
void     ws_test_service_quit         (WsTestService *self);

/* For conditions no event in this process announces (a bus name, a file
 * another process writes): looks again every few milliseconds, bounded as
 * every wait. */
void     ws_test_service_poll_until   (gboolean      (*done) (gpointer data),
                                       gpointer        data,
                                       const char     *what);

G_END_DECLS
