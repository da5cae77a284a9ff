/* ws-test-sni-host.h — the host side of the tray for tests: a fake
 * org.kde.StatusNotifierWatcher and a panel's calls to an item and its
 * com.canonical.dbusmenu object
 *
 * Every call here is asynchronous underneath and iterates the thread's
 * default main context until it is answered, so the item under test may
 * live in the test process itself (on another connection) or in another
 * process. Each wait is bounded (WS_TEST_SNI_TIMEOUT seconds) and fails
 * the test when the bound is hit. Failures assert; the functions that
 * take a GError are the ones a test may expect to fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TEST_SNI_TIMEOUT 60

/* Iterates the default main context until @done returns TRUE; asserts
 * when WS_TEST_SNI_TIMEOUT seconds pass first. @what names the wait in
 * the failure message. */
void ws_test_sni_wait_until (gboolean  (*done) (gpointer data),
                             gpointer    data,
                             const char *what);
/* Waits until *@counter >= @n. */
void ws_test_sni_wait_for_count (const guint *counter,
                                 guint        n);

/* Calls @method and waits for the answer: the reply (of @reply_type when
 * not NULL), or NULL with @error set (also when no answer came in
 * WS_TEST_SNI_TIMEOUT - 5 seconds). */
GVariant *ws_test_sni_call (GDBusConnection    *connection,
                            const char         *bus_name,
                            const char         *object_path,
                            const char         *interface_name,
                            const char         *method_name,
                            GVariant           *parameters,
                            const GVariantType *reply_type,
                            GError            **error);

/* --- The watcher ------------------------------------------------------------ */

typedef struct _WsTestSniWatcher WsTestSniWatcher;

/* Owns org.kde.StatusNotifierWatcher on @connection (asserts that it got
 * it) and exports /StatusNotifierWatcher. Items are recorded as xfce does:
 * ":1.16/StatusNotifierItem" for an object path, "NAME/StatusNotifierItem"
 * for a bus name; an item is dropped when its bus name's owner leaves. */
WsTestSniWatcher   *ws_test_sni_watcher_new               (GDBusConnection  *connection);
/* Unexports and releases the name: free + new is a watcher restart. */
void                ws_test_sni_watcher_free              (WsTestSniWatcher *watcher);
/* The registered items, NULL-terminated, owned by @watcher. */
const char * const *ws_test_sni_watcher_get_items         (WsTestSniWatcher *watcher);
guint               ws_test_sni_watcher_get_n_items       (WsTestSniWatcher *watcher);
/* RegisterStatusNotifierItem calls so far (repeats included). */
guint               ws_test_sni_watcher_get_registrations (WsTestSniWatcher *watcher);
/* Waits until exactly @n items are registered. */
void                ws_test_sni_watcher_wait_for_items    (WsTestSniWatcher *watcher,
                                                           guint             n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsTestSniWatcher, ws_test_sni_watcher_free)

/* --- An item, as a panel sees it ------------------------------------------------ */

typedef struct _WsTestSniItem WsTestSniItem;

/* @entry is a watcher entry, "busname/path". Counts the item's signals
 * (NewIcon, NewStatus, ...) from now on. */
WsTestSniItem *ws_test_sni_item_new            (GDBusConnection *connection,
                                                const char      *entry);
void           ws_test_sni_item_free           (WsTestSniItem   *item);
const char    *ws_test_sni_item_get_bus_name   (WsTestSniItem   *item);
const char    *ws_test_sni_item_get_object_path (WsTestSniItem  *item);
/* Properties.GetAll: the a{sv} of every item property. */
GVariant      *ws_test_sni_item_get_all        (WsTestSniItem   *item);
/* Any org.kde.StatusNotifierItem method; the reply or NULL + @error. */
GVariant      *ws_test_sni_item_call           (WsTestSniItem   *item,
                                                const char      *method_name,
                                                GVariant        *parameters,
                                                GError         **error);
void           ws_test_sni_item_activate       (WsTestSniItem   *item,
                                                int              x,
                                                int              y);
void           ws_test_sni_item_secondary_activate (WsTestSniItem *item,
                                                    int            x,
                                                    int            y);
void           ws_test_sni_item_scroll         (WsTestSniItem   *item,
                                                int              delta,
                                                const char      *orientation);
void           ws_test_sni_item_provide_activation_token (WsTestSniItem *item,
                                                          const char    *token);
/* How often the item emitted @signal_name since ws_test_sni_item_new(). */
guint          ws_test_sni_item_count_signal   (WsTestSniItem   *item,
                                                const char      *signal_name);
/* The arguments @signal_name came with last time (owned by @item), or
 * NULL when it was not seen. */
GVariant      *ws_test_sni_item_get_last_signal (WsTestSniItem  *item,
                                                 const char     *signal_name);
void           ws_test_sni_item_wait_for_signal (WsTestSniItem  *item,
                                                 const char     *signal_name,
                                                 guint           n);
/* A round trip to the item's connection (Peer.Ping): every signal it sent
 * before has been counted when this returns. */
void           ws_test_sni_item_sync           (WsTestSniItem   *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsTestSniItem, ws_test_sni_item_free)

/* --- Its menu (com.canonical.dbusmenu) -------------------------------------------- */

typedef struct _WsTestSniMenu WsTestSniMenu;

/* The object named by the item's Menu property. Counts LayoutUpdated and
 * ItemsPropertiesUpdated from now on. */
WsTestSniMenu *ws_test_sni_menu_new          (WsTestSniItem *item);
void           ws_test_sni_menu_free         (WsTestSniMenu *menu);
/* GetLayout (0, -1, []): the (u(ia{sv}av)) reply. */
GVariant      *ws_test_sni_menu_get_layout   (WsTestSniMenu *menu);
/* AboutToShow (@id): needUpdate. */
gboolean       ws_test_sni_menu_about_to_show (WsTestSniMenu *menu,
                                               int            id);
/* Event (@id, @event_id, <int32 0>, 0), as libdbusmenu sends it; FALSE +
 * @error when refused (e.g. an unknown id). */
gboolean       ws_test_sni_menu_event        (WsTestSniMenu *menu,
                                              int            id,
                                              const char    *event_id,
                                              GError       **error);
/* EventGroup with one (@ids[i], @event_id, <int32 0>, 0) per id: the
 * returned idErrors ("ai"), or NULL + @error. */
GVariant      *ws_test_sni_menu_event_group  (WsTestSniMenu *menu,
                                              const int     *ids,
                                              gsize          n_ids,
                                              const char    *event_id,
                                              GError       **error);
/* The id of the first node of @layout (a GetLayout reply or a (ia{sv}av)
 * node, searched depth first) whose label contains @label_part (mnemonic
 * underscores removed), or -1. */
int            ws_test_sni_menu_find         (GVariant      *layout,
                                              const char    *label_part);
/* Item @id's property @name in @layout, or NULL when not sent. */
GVariant      *ws_test_sni_menu_lookup       (GVariant      *layout,
                                              int            id,
                                              const char    *name);
guint          ws_test_sni_menu_get_layout_updates     (WsTestSniMenu *menu);
guint          ws_test_sni_menu_get_properties_updates (WsTestSniMenu *menu);
/* The arguments of the last ItemsPropertiesUpdated,
 * (a(ia{sv})a(ias)), owned by @menu; NULL before the first. */
GVariant      *ws_test_sni_menu_get_last_properties_update (WsTestSniMenu *menu);
void           ws_test_sni_menu_wait_for_layout_updates     (WsTestSniMenu *menu,
                                                             guint          n);
void           ws_test_sni_menu_wait_for_properties_updates (WsTestSniMenu *menu,
                                                             guint          n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsTestSniMenu, ws_test_sni_menu_free)

G_END_DECLS
