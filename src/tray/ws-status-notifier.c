/* ws-status-notifier.c — the tray icon as an org.kde.StatusNotifierItem
 *
 * The item lives at /StatusNotifierItem on the caller's connection and is
 * registered with the watcher by that object path, so no extra bus name is
 * owned (which a Flatpak sandbox would not allow). Watchers forget their
 * items when they restart, hence the registration on every appearance of
 * org.kde.StatusNotifierWatcher. Hosts re-read the properties on the New*
 * signals, not on PropertiesChanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-status-notifier.h"

#define ITEM_INTERFACE   "org.kde.StatusNotifierItem"
#define ITEM_PATH        "/StatusNotifierItem"
#define WATCHER_NAME     "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH     "/StatusNotifierWatcher"
#define WATCHER_INTERFACE WATCHER_NAME

static const char item_xml[] =
  "<node>"
  "  <interface name='" ITEM_INTERFACE "'>"
  "    <property name='Category' type='s' access='read'/>"
  "    <property name='Id' type='s' access='read'/>"
  "    <property name='Title' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='WindowId' type='i' access='read'/>"
  "    <property name='IconThemePath' type='s' access='read'/>"
  "    <property name='IconName' type='s' access='read'/>"
  "    <property name='IconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='OverlayIconName' type='s' access='read'/>"
  "    <property name='OverlayIconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='AttentionIconName' type='s' access='read'/>"
  "    <property name='AttentionIconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='AttentionMovieName' type='s' access='read'/>"
  "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
  "    <property name='ItemIsMenu' type='b' access='read'/>"
  "    <property name='Menu' type='o' access='read'/>"
  "    <method name='ContextMenu'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='Activate'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='SecondaryActivate'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='Scroll'>"
  "      <arg name='delta' type='i' direction='in'/>"
  "      <arg name='orientation' type='s' direction='in'/>"
  "    </method>"
  "    <method name='ProvideXdgActivationToken'>"
  "      <arg name='token' type='s' direction='in'/>"
  "    </method>"
  "    <signal name='NewTitle'/>"
  "    <signal name='NewIcon'/>"
  "    <signal name='NewAttentionIcon'/>"
  "    <signal name='NewOverlayIcon'/>"
  "    <signal name='NewToolTip'/>"
  "    <signal name='NewStatus'><arg name='status' type='s'/></signal>"
  "    <signal name='NewMenu'/>"
  "    <signal name='NewIconThemePath'><arg name='icon_theme_path' type='s'/></signal>"
  "  </interface>"
  "</node>";

/* XAyatanaSecondaryActivate (GNOME's AppIndicator extension) is left out
 * on purpose: GDBus answers UnknownMethod, and the extension then calls
 * SecondaryActivate with coordinates instead. */

struct _WsStatusNotifier
{
  GObject                 parent_instance;

  char                   *id;
  char                   *title;
  char                   *icon_name;
  char                   *icon_theme_path;
  char                   *attention_icon_name;
  char                   *menu_path;
  char                   *tooltip_title;
  char                   *tooltip_body;
  WsStatusNotifierStatus  status;
  GPtrArray              *pixmaps;          /* of (iiay) GVariant */
  char                   *activation_token;

  GDBusConnection        *connection;
  guint                   object_id;
  guint                   watch_id;
  GCancellable           *registration;     /* the RegisterStatusNotifierItem in flight */
  gboolean                registered;
};

G_DEFINE_FINAL_TYPE (WsStatusNotifier, ws_status_notifier, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_REGISTERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_ACTIVATE,
  SIGNAL_SECONDARY_ACTIVATE,
  SIGNAL_SCROLL,
  SIGNAL_CONTEXT_MENU,
  SIGNAL_WATCHER_VANISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GDBusNodeInfo *item_info;

/* --- State ----------------------------------------------------------------- */

static const char *
status_to_string (WsStatusNotifierStatus status)
{
  switch (status)
    {
    case WS_STATUS_NOTIFIER_PASSIVE:
      return "Passive";
    case WS_STATUS_NOTIFIER_ACTIVE:
      return "Active";
    case WS_STATUS_NOTIFIER_NEEDS_ATTENTION:
      return "NeedsAttention";
    default:
      g_return_val_if_reached ("Active");
    }
}

/* TRUE when *field changed (g_set_str() is GLib 2.76). */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_registered (WsStatusNotifier *self,
                gboolean          registered)
{
  if (self->registered == registered)
    return;

  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

/* Sends a New* signal while exported; @parameters may be floating. */
static void
emit_item_signal (WsStatusNotifier *self,
                  const char       *name,
                  GVariant         *parameters)
{
  g_autoptr(GVariant) owned = parameters != NULL ? g_variant_ref_sink (parameters) : NULL;
  g_autoptr(GError) error = NULL;

  if (self->object_id == 0)
    return;

  if (!g_dbus_connection_emit_signal (self->connection, NULL, ITEM_PATH, ITEM_INTERFACE,
                                      name, owned, &error))
    g_debug ("Could not emit %s: %s", name, error->message);
}

/* --- org.kde.StatusNotifierItem ------------------------------------------------ */

static GVariant *
empty_pixmaps (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
}

static GVariant *
icon_pixmaps (WsStatusNotifier *self)
{
  return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"),
                              (GVariant **) self->pixmaps->pdata, self->pixmaps->len);
}

static GVariant *
tooltip (WsStatusNotifier *self)
{
  return g_variant_new ("(s@a(iiay)ss)", self->icon_name, empty_pixmaps (),
                        self->tooltip_title, self->tooltip_body);
}

static GVariant *
item_get_property (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *property_name,
                   GError         **error,
                   gpointer         user_data)
{
  WsStatusNotifier *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (self->id);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (self->title);
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string (status_to_string (self->status));
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_string (self->icon_theme_path != NULL ? self->icon_theme_path : "");
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (self->icon_name);
  if (g_str_equal (property_name, "IconPixmap"))
    return icon_pixmaps (self);
  if (g_str_equal (property_name, "AttentionIconName"))
    return g_variant_new_string (self->attention_icon_name);
  if (g_str_equal (property_name, "OverlayIconName") ||
      g_str_equal (property_name, "AttentionMovieName"))
    return g_variant_new_string ("");
  if (g_str_equal (property_name, "OverlayIconPixmap") ||
      g_str_equal (property_name, "AttentionIconPixmap"))
    return empty_pixmaps ();
  if (g_str_equal (property_name, "ToolTip"))
    return tooltip (self);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (self->menu_path);

  /* GDBus only asks for the properties in item_xml. */
  g_return_val_if_reached (NULL);
}

/* Activate, SecondaryActivate and ContextMenu: (ii) to a signal. */
static void
emit_with_position (WsStatusNotifier *self,
                    guint             signal_id,
                    GVariant         *parameters)
{
  gint32 x, y;

  g_variant_get (parameters, "(ii)", &x, &y);
  g_signal_emit (self, signal_id, 0, x, y);
}

static void
item_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr(WsStatusNotifier) self = g_object_ref (user_data);

  /* Reply first: a handler may run a long way (present a window, open a
   * browser) and the host should not wait for it. */
  g_dbus_method_invocation_return_value (invocation, NULL);

  if (g_str_equal (method_name, "Activate"))
    emit_with_position (self, signals[SIGNAL_ACTIVATE], parameters);
  else if (g_str_equal (method_name, "SecondaryActivate"))
    emit_with_position (self, signals[SIGNAL_SECONDARY_ACTIVATE], parameters);
  else if (g_str_equal (method_name, "ContextMenu"))
    emit_with_position (self, signals[SIGNAL_CONTEXT_MENU], parameters);
  else if (g_str_equal (method_name, "Scroll"))
    {
      const char *orientation;
      g_autofree char *lower = NULL;
      gint32 delta;

      /* The spec says "vertical"; Plasma sends "Vertical". */
      g_variant_get (parameters, "(i&s)", &delta, &orientation);
      lower = g_ascii_strdown (orientation, -1);
      g_signal_emit (self, signals[SIGNAL_SCROLL], 0, delta, lower);
    }
  else if (g_str_equal (method_name, "ProvideXdgActivationToken"))
    {
      g_clear_pointer (&self->activation_token, g_free);
      g_variant_get (parameters, "(s)", &self->activation_token);
    }
}

static const GDBusInterfaceVTable item_vtable = {
  .method_call = item_method_call,
  .get_property = item_get_property,
};

/* --- Registration with the watcher -------------------------------------------- */

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  WsStatusNotifier *self;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  /* Cancelled on unexport/dispose: self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  g_clear_object (&self->registration);

  if (reply == NULL)
    {
      /* A watcher that left meanwhile is reported by name_vanished. */
      if (!g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) &&
          !g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
        g_warning ("The status notifier watcher refused the tray icon: %s", error->message);
      return;
    }

  set_registered (self, TRUE);
}

static void
cancel_registration (WsStatusNotifier *self)
{
  g_cancellable_cancel (self->registration);
  g_clear_object (&self->registration);
}

static void
watcher_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *name_owner,
                  gpointer         user_data)
{
  WsStatusNotifier *self = user_data;

  /* Addressed to the unique name, so a reply can only come from this
   * watcher instance. */
  self->registration = g_cancellable_new ();
  g_dbus_connection_call (connection, name_owner, WATCHER_PATH, WATCHER_INTERFACE,
                          "RegisterStatusNotifierItem",
                          g_variant_new ("(s)", ITEM_PATH),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->registration, register_cb, self);
}

static void
watcher_vanished (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  WsStatusNotifier *self = user_data;

  cancel_registration (self);
  set_registered (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_WATCHER_VANISHED], 0);
}

/* --- Public API ----------------------------------------------------------------- */

gboolean
ws_status_notifier_export (WsStatusNotifier *self,
                           GDBusConnection  *connection,
                           GError          **error)
{
  g_return_val_if_fail (WS_IS_STATUS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (self->connection == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->object_id = g_dbus_connection_register_object (connection, ITEM_PATH,
                                                       item_info->interfaces[0],
                                                       &item_vtable, self, NULL, error);
  if (self->object_id == 0)
    return FALSE;

  self->connection = g_object_ref (connection);
  /* Never auto-start a watcher: with none, the owner shows its fallback. */
  self->watch_id = g_bus_watch_name_on_connection (connection, WATCHER_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   watcher_appeared, watcher_vanished,
                                                   self, NULL);
  return TRUE;
}

void
ws_status_notifier_unexport (WsStatusNotifier *self)
{
  g_return_if_fail (WS_IS_STATUS_NOTIFIER (self));

  cancel_registration (self);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (self->object_id != 0)
    {
      g_dbus_connection_unregister_object (self->connection, self->object_id);
      self->object_id = 0;
    }
  g_clear_object (&self->connection);
  set_registered (self, FALSE);
}

gboolean
ws_status_notifier_get_registered (WsStatusNotifier *self)
{
  g_return_val_if_fail (WS_IS_STATUS_NOTIFIER (self), FALSE);

  return self->registered;
}

void
ws_status_notifier_set_status (WsStatusNotifier       *self,
                               WsStatusNotifierStatus  status)
{
  g_return_if_fail (WS_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (status <= WS_STATUS_NOTIFIER_NEEDS_ATTENTION);

  if (self->status == status)
    return;

  self->status = status;
  emit_item_signal (self, "NewStatus", g_variant_new ("(s)", status_to_string (status)));
}

/* The tooltip shows the icon too, so hosts re-read both. */
void
ws_status_notifier_set_icon_name (WsStatusNotifier *self,
                                  const char       *icon_name)
{
  g_return_if_fail (WS_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (icon_name != NULL);

  if (!replace_string (&self->icon_name, icon_name))
    return;

  emit_item_signal (self, "NewIcon", NULL);
  emit_item_signal (self, "NewToolTip", NULL);
}

void
ws_status_notifier_set_attention_icon_name (WsStatusNotifier *self,
                                            const char       *icon_name)
{
  g_return_if_fail (WS_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (icon_name != NULL);

  if (replace_string (&self->attention_icon_name, icon_name))
    emit_item_signal (self, "NewAttentionIcon", NULL);
}

void
ws_status_notifier_set_tooltip (WsStatusNotifier *self,
                                const char       *title,
                                const char       *body)
{
  gboolean changed;

  g_return_if_fail (WS_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (title != NULL);
  g_return_if_fail (body != NULL);

  changed = replace_string (&self->tooltip_title, title);
  changed |= replace_string (&self->tooltip_body, body);
  if (changed)
    emit_item_signal (self, "NewToolTip", NULL);
}

void
ws_status_notifier_add_icon_pixmap (WsStatusNotifier *self,
                                    int               width,
                                    int               height,
                                    GBytes           *argb32)
{
  GVariant *data;

  g_return_if_fail (WS_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (width > 0 && height > 0);
  g_return_if_fail (argb32 != NULL);
  /* xfce and xapp drop a pixmap of any other length. */
  g_return_if_fail (g_bytes_get_size (argb32) == (gsize) width * height * 4);

  data = g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, argb32, TRUE);
  g_ptr_array_add (self->pixmaps,
                   g_variant_ref_sink (g_variant_new ("(ii@ay)", width, height, data)));
  emit_item_signal (self, "NewIcon", NULL);
}

char *
ws_status_notifier_take_activation_token (WsStatusNotifier *self)
{
  g_return_val_if_fail (WS_IS_STATUS_NOTIFIER (self), NULL);

  return g_steal_pointer (&self->activation_token);
}

/* --- GObject ------------------------------------------------------------------------ */

WsStatusNotifier *
ws_status_notifier_new (const char *id,
                        const char *title,
                        const char *icon_name,
                        const char *icon_theme_path,
                        const char *menu_path)
{
  WsStatusNotifier *self;

  g_return_val_if_fail (id != NULL && *id != '\0', NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (icon_name != NULL, NULL);
  g_return_val_if_fail (menu_path != NULL && g_variant_is_object_path (menu_path), NULL);

  self = g_object_new (WS_TYPE_STATUS_NOTIFIER, NULL);
  self->id = g_strdup (id);
  self->title = g_strdup (title);
  self->icon_name = g_strdup (icon_name);
  self->icon_theme_path = g_strdup (icon_theme_path);
  self->menu_path = g_strdup (menu_path);
  self->tooltip_title = g_strdup (title);
  return self;
}

static void
ws_status_notifier_dispose (GObject *object)
{
  WsStatusNotifier *self = (WsStatusNotifier *) object;

  ws_status_notifier_unexport (self);

  G_OBJECT_CLASS (ws_status_notifier_parent_class)->dispose (object);
}

static void
ws_status_notifier_finalize (GObject *object)
{
  WsStatusNotifier *self = (WsStatusNotifier *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->icon_name);
  g_free (self->icon_theme_path);
  g_free (self->attention_icon_name);
  g_free (self->menu_path);
  g_free (self->tooltip_title);
  g_free (self->tooltip_body);
  g_free (self->activation_token);
  g_ptr_array_unref (self->pixmaps);

  G_OBJECT_CLASS (ws_status_notifier_parent_class)->finalize (object);
}

static void
ws_status_notifier_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WsStatusNotifier *self = WS_STATUS_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ws_status_notifier_class_init (WsStatusNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  g_autoptr(GError) error = NULL;

  object_class->dispose = ws_status_notifier_dispose;
  object_class->finalize = ws_status_notifier_finalize;
  object_class->get_property = ws_status_notifier_get_property;

  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_SECONDARY_ACTIVATE] =
    g_signal_new ("secondary-activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_SCROLL] =
    g_signal_new ("scroll", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_CONTEXT_MENU] =
    g_signal_new ("context-menu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_WATCHER_VANISHED] =
    g_signal_new ("watcher-vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  item_info = g_dbus_node_info_new_for_xml (item_xml, &error);
  g_assert_no_error (error);
}

static void
ws_status_notifier_init (WsStatusNotifier *self)
{
  self->status = WS_STATUS_NOTIFIER_ACTIVE;
  self->attention_icon_name = g_strdup ("");
  self->tooltip_body = g_strdup ("");
  self->pixmaps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
}
