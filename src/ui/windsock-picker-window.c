/* windsock-picker-window.c — the type-to-filter picker
 *
 * The catalog cache is filtered (a fuzzy match on name, profile, region
 * and account) and sorted (favourites, then recent ones, then by match
 * quality); the service is asked over org.gtk.Actions to do the rest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "windsock-activation.h"
#include "windsock-fuzzy.h"
#include "windsock-picker-row.h"
#include "windsock-picker-window.h"
#include "ws-catalog.h"

#define SERVICE_PATH "/io/github/windsock/Windsock"

/* A favourite, then a recent environment, then any other. */
enum { GROUP_FAVOURITE, GROUP_RECENT, GROUP_OTHER };

struct _WindsockPickerWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  char                 *cache_path;
  GFileMonitor         *cache_monitor;
  guint                 reload_id;    /* the cache changed: read it again */
  WsCatalog            *catalog;
  char                 *searched;     /* the text the list is filtered by */
  GStrv                 terms;        /* the same, split into words */
  GStrv                 favourites;
  GStrv                 recent;
  GCancellable         *cancellable;  /* of the action being sent */
  gboolean              refreshing;   /* asked to; until the cache changes */

  GtkFilterListModel   *filter_model;
  GtkSortListModel     *sort_model;
  GtkSliceListModel    *first_rows;   /* all of them after the first frame */
  gulong                first_paint_id;
  GtkSingleSelection   *selection;
  GtkCustomFilter      *filter;
  GtkCustomSorter      *sorter;

  GtkSearchEntry       *search_entry;
  GtkStack             *stack;
  GtkListView          *list_view;
  GtkWidget            *error_bar;
  GtkLabel             *error_label;
  GtkLabel             *no_match_label;
  GtkLabel             *empty_title;
  GtkLabel             *empty_detail;
  GtkWidget            *spinner;
  GtkWidget            *keys_hint;
};

/* An org.gtk.Actions.Activate call on its way. */
typedef struct
{
  GVariant *parameters;
  gboolean  close;        /* the window's work is done once delivered */
} ActionCall;

static void
action_call_free (ActionCall *call)
{
  g_variant_unref (call->parameters);
  g_free (call);
}

G_DEFINE_FINAL_TYPE (WindsockPickerWindow, windsock_picker_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_SETTINGS, PROP_CACHE_PATH, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Matching and ordering */

static int
field_score (const char *term,
             const char *field)
{
  return field != NULL ? windsock_fuzzy_score (term, field) : -1;
}

/* The sum over the search's words of each one's best field (the name
 * counts double), or -1 when a word matches no field. */
static int
environment_score (WindsockPickerWindow *self,
                   WsEnvironment        *environment)
{
  int total = 0;

  for (guint i = 0; self->terms[i] != NULL; i++)
    {
      const char *term = self->terms[i];
      const char *others[] = {
        ws_environment_get_profile (environment),
        ws_environment_get_region (environment),
        ws_environment_get_account_id (environment),
      };
      int best = field_score (term, ws_environment_get_name (environment));

      if (best > 0)
        best *= 2;
      for (guint j = 0; j < G_N_ELEMENTS (others); j++)
        best = MAX (best, field_score (term, others[j]));
      if (best < 0)
        return -1;
      total += best;
    }

  return total;
}

static gboolean
filter_environment (gpointer item,
                    gpointer user_data)
{
  return environment_score (user_data, item) >= 0;
}

static int
strv_index (GStrv       strv,
            const char *string)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (g_str_equal (strv[i], string))
      return (int) i;
  return -1;
}

/* The environment's group, and its place in the group's settings list. */
static int
environment_group (WindsockPickerWindow *self,
                   WsEnvironment        *environment,
                   int                  *index)
{
  g_autofree char *ref = ws_environment_dup_ref (environment);

  if ((*index = strv_index (self->favourites, ref)) >= 0)
    return GROUP_FAVOURITE;
  if ((*index = strv_index (self->recent, ref)) >= 0)
    return GROUP_RECENT;
  return GROUP_OTHER;
}

/* Favourites, recent, the rest; in each, what can be opened first, then
 * the best matches. Ties keep the catalog's order: GtkSortListModel sorts stably. */
static int
compare_environments (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  WindsockPickerWindow *self = user_data;
  int index_a, index_b;
  int group_a = environment_group (self, (WsEnvironment *) a, &index_a);
  int group_b = environment_group (self, (WsEnvironment *) b, &index_b);
  int score_a, score_b;
  gboolean usable_a, usable_b;

  if (group_a != group_b)
    return group_a < group_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  /* What cannot be opened goes below what can. */
  usable_a = ws_environment_is_usable ((WsEnvironment *) a, NULL);
  usable_b = ws_environment_is_usable ((WsEnvironment *) b, NULL);
  if (usable_a != usable_b)
    return usable_a ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  score_a = environment_score (self, (WsEnvironment *) a);
  score_b = environment_score (self, (WsEnvironment *) b);
  if (score_a != score_b)
    return score_a > score_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  return gtk_ordering_from_cmpfunc (index_a - index_b);
}

/* What the list shows */

/* The first problem discovery had with a profile, if any: why the list
 * may be empty. */
static const GError *
first_profile_error (WindsockPickerWindow *self)
{
  GPtrArray *profiles = ws_catalog_get_profiles (self->catalog);

  for (guint i = 0; i < profiles->len; i++)
    {
      const WsCatalogProfile *profile = g_ptr_array_index (profiles, i);

      if (profile->error != NULL)
        return profile->error;
    }
  return NULL;
}

/* Looking now, never looked, or looked and found nothing (and why). */
static void
update_empty_page (WindsockPickerWindow *self)
{
  const GError *error = first_profile_error (self);
  const char *title, *detail;

  if (self->refreshing)
    {
      title = _("Looking for environments…");
      detail = _("The list fills in as soon as Windsock has looked in your AWS profiles.");
    }
  else if (ws_catalog_get_last_refresh (self->catalog) == 0)
    {
      title = _("Windsock has not looked for environments yet");
      detail = _("Refresh to look in your AWS profiles now.");
    }
  else
    {
      title = _("No Airflow environments found");
      detail = error != NULL ? error->message
                             : _("None of your AWS profiles can see an Amazon MWAA environment "
                                 "in the regions Windsock looks in. Check them in Preferences, then refresh.");
    }

  gtk_label_set_label (self->empty_title, title);
  gtk_label_set_label (self->empty_detail, detail);
  gtk_widget_set_visible (self->spinner, self->refreshing);
}

static void
update_page (WindsockPickerWindow *self)
{
  const char *page = "list";

  if (g_list_model_get_n_items (G_LIST_MODEL (self->catalog)) == 0)
    {
      update_empty_page (self);
      page = "empty";
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)) == 0)
    {
      g_autofree char *text = g_strdup_printf (_("No environment matches “%s”"),
                                               gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

      gtk_label_set_label (self->no_match_label, text);
      page = "no-match";
    }

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (self->keys_hint, g_str_equal (page, "list"));
}

static void
select_position (WindsockPickerWindow *self,
                 guint                 position)
{
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* The best match that can be opened is the one Enter opens. */
static void
show_matches (WindsockPickerWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);
  guint first = 0;

  update_page (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WsEnvironment) environment = g_list_model_get_item (model, i);

      if (ws_environment_is_usable (environment, NULL))
        {
          first = i;
          break;
        }
    }
  select_position (self, first);
}

static void
refilter (WindsockPickerWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  show_matches (self);
}

/* Also called for keys that act on the list: the entry waits a moment
 * before it reports a change, and they must not act on the list of a
 * moment ago. */
static void
on_search_changed (WindsockPickerWindow *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  /* Once: filtering again would undo a selection made since. */
  if (g_strcmp0 (self->searched, text) == 0)
    return;

  g_free (self->searched);
  self->searched = g_strdup (text);
  g_strfreev (self->terms);
  /* "a  b" splits into an empty word too; it matches everything. */
  self->terms = g_strsplit_set (g_strstrip (text), " \t", -1);
  refilter (self);
}

/* Typing reaches the entry from anywhere in the window (the key capture);
 * the focus follows, so that the cursor shows where the text goes. */
static void
on_text_changed (WindsockPickerWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *entry = GTK_WIDGET (self->search_entry);

  if (focus == NULL || (focus != entry && !gtk_widget_is_ancestor (focus, entry)))
    gtk_widget_grab_focus (entry);
}

static void
on_settings_changed (WindsockPickerWindow *self)
{
  g_strfreev (self->favourites);
  g_strfreev (self->recent);
  self->favourites = g_settings_get_strv (self->settings, "favourites");
  self->recent = g_settings_get_strv (self->settings, "recent");
  refilter (self);
}

/* Setting the model filters and sorts it with what is current already. */
static void
load_catalog (WindsockPickerWindow *self)
{
  g_clear_object (&self->catalog);
  self->catalog = ws_catalog_new (NULL, self->settings, self->cache_path);
  self->refreshing = FALSE;
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->catalog));
  show_matches (self);
}

static gboolean
reload_catalog (gpointer user_data)
{
  WindsockPickerWindow *self = user_data;

  self->reload_id = 0;
  load_catalog (self);
  return G_SOURCE_REMOVE;
}

/* The service rewrites the cache atomically (a rename), so creation and
 * deletion count as well as the end of a change; one rewrite reports all
 * three at once, and the cache is read once for them. */
static void
on_cache_changed (WindsockPickerWindow *self,
                  GFile                *file,
                  GFile                *other_file,
                  GFileMonitorEvent     event)
{
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_catalog, self);
}

/* The catalog knows where its cache is (the default or the one given). */
static void
watch_cache (WindsockPickerWindow *self)
{
  const char *path = ws_catalog_get_cache_path (self->catalog);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  self->cache_monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->cache_monitor == NULL)
    {
      g_debug ("Not watching %s: %s", path, error->message);
      return;
    }
  g_signal_connect_object (self->cache_monitor, "changed",
                           G_CALLBACK (on_cache_changed), self, G_CONNECT_SWAPPED);
}

/* Talking to the service */

static void
show_error (WindsockPickerWindow *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (self->error_bar, TRUE);
}

/* What went wrong, in words a person understands. */
static char *
describe_error (const GError *error)
{
  g_autofree char *remote = NULL;
  g_autoptr(GError) stripped = NULL;

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED))
    return g_strdup (_("Windsock is not running and could not be started. "
                       "Start it from the applications menu, then try again."));
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("Windsock did not answer. Try again in a moment."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    return g_strdup (error->message);

  stripped = g_error_copy (error);
  g_dbus_error_strip_remote_error (stripped);
  return g_strdup_printf (_("Windsock could not do that: %s"), stripped->message);
}

/* org.gtk.Actions.Activate's (s av a{sv}), as
 * g_remote_action_group_activate_action_full() sends it; called directly
 * because that one cannot report an error. */
static GVariant *
build_activate_call (WindsockPickerWindow *self,
                     const char           *action,
                     const char           *ref)
{
  g_autofree char *token = windsock_dup_activation_token (GTK_WIDGET (self));
  GVariantBuilder parameter;
  GVariantBuilder platform_data;

  g_variant_builder_init (&parameter, G_VARIANT_TYPE ("av"));
  if (ref != NULL)
    g_variant_builder_add (&parameter, "v", g_variant_new_string (ref));

  g_variant_builder_init (&platform_data, G_VARIANT_TYPE_VARDICT);
  if (token != NULL)
    {
      g_variant_builder_add (&platform_data, "{sv}", "activation-token", g_variant_new_string (token));
      g_variant_builder_add (&platform_data, "{sv}", "desktop-startup-id", g_variant_new_string (token));
    }

  return g_variant_new ("(sav@a{sv})", action, &parameter, g_variant_builder_end (&platform_data));
}

static void
on_activate_replied (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Takes @error, from g_bus_get(): what to tell the person instead (GIO's
 * says which program it failed to run). */
static GError *
no_bus_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  g_debug ("No session bus: %s", error->message);
  g_error_free (error);
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                              _("Windsock cannot be reached: this session has no D-Bus session bus. "
                                "Log in to a desktop session, then try again."));
}

static void
on_bus_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  ActionCall *call = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) connection = NULL;
  GError *error = NULL;

  connection = g_bus_get_finish (result, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, no_bus_error (error));
      g_object_unref (task);
      return;
    }

  /* Starts the service by D-Bus activation when it is not running. */
  g_dbus_connection_call (connection, APP_ID, SERVICE_PATH, "org.gtk.Actions", "Activate",
                          call->parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          on_activate_replied, task);
}

static void
on_action_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (source);
  ActionCall *call = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_clear_object (&self->cancellable);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (call->close)
        gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  message = describe_error (error);
  show_error (self, message);
  /* Nobody is looking after all. */
  self->refreshing = FALSE;
  update_page (self);
}

/* Sends one action (with @ref, or none); one at a time. */
static void
send_action (WindsockPickerWindow *self,
             const char           *action,
             const char           *ref,
             gboolean              close)
{
  ActionCall *call;
  GTask *task;

  if (self->cancellable != NULL)
    return;

  gtk_widget_set_visible (self->error_bar, FALSE);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_action_sent, NULL);
  g_task_set_source_tag (task, send_action);
  call = g_new0 (ActionCall, 1);
  call->parameters = g_variant_ref_sink (build_activate_call (self, action, ref));
  call->close = close;
  g_task_set_task_data (task, call, (GDestroyNotify) action_call_free);
  g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, on_bus_ready, task);
}

static void
open_selected (WindsockPickerWindow *self,
               const char           *action)
{
  WsEnvironment *environment = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *ref = NULL;

  /* The row already says why it cannot be opened. */
  if (environment == NULL || !ws_environment_is_usable (environment, NULL))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  ref = ws_environment_dup_ref (environment);
  send_action (self, action, ref, TRUE);
}

/* Input */

static void
on_list_activate (WindsockPickerWindow *self,
                  guint                 position)
{
  select_position (self, position);
  open_selected (self, "open-environment");
}

static void
on_refresh_clicked (WindsockPickerWindow *self)
{
  /* Stays open: the list fills in when the new cache is written. */
  send_action (self, "refresh", NULL, FALSE);
  self->refreshing = TRUE;
  update_page (self);
}

/* By @delta rows, stopping at either end. */
static void
move_selection (WindsockPickerWindow *self,
                int                   delta)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint last = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) - 1;

  if (selected == GTK_INVALID_LIST_POSITION || (delta < 0 && (guint) -delta > selected))
    select_position (self, 0);
  else
    select_position (self, MIN (selected + delta, last));
}

/* The rows that fit in the view, as Page Up/Down in any list moves. */
static int
rows_per_page (WindsockPickerWindow *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  double upper = gtk_adjustment_get_upper (adjustment);

  if (upper <= 0)
    return 1;
  return MAX (1, (int) (gtk_adjustment_get_page_size (adjustment) * n / upper));
}

/* Caught before the search entry sees them, so the focus can stay in the
 * entry while the arrows move through the list. */
static gboolean
on_key_pressed (WindsockPickerWindow *self,
                guint                 keyval,
                guint                 keycode,
                GdkModifierType       state)
{
  if (keyval == GDK_KEY_Escape)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return TRUE;
    }
  /* Elsewhere (no environments) the focused button takes Enter. */
  on_search_changed (self);
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "list"))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      move_selection (self, -rows_per_page (self));
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      move_selection (self, rows_per_page (self));
      return TRUE;
    /* Plain Home and End stay with the entry's text. */
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      if (!(state & GDK_CONTROL_MASK))
        return FALSE;
      select_position (self, 0);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      if (!(state & GDK_CONTROL_MASK))
        return FALSE;
      move_selection (self, G_MAXINT);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (state & GDK_CONTROL_MASK)
        open_selected (self, "copy-login-url");
      else if (state & GDK_ALT_MASK)
        open_selected (self, "open-private-window");
      else
        open_selected (self, "open-environment");
      return TRUE;
    default:
      return FALSE;
    }
}

/* Rows */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  gtk_list_item_set_child (item, windsock_picker_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  WsEnvironment *environment = gtk_list_item_get_item (item);

  windsock_picker_row_set_environment (WINDSOCK_PICKER_ROW (gtk_list_item_get_child (item)),
                                       environment);
  gtk_list_item_set_activatable (item, ws_environment_is_usable (environment, NULL));
}

/* The first frame */

/* Before its first allocation a GtkListView makes a row for up to 200
 * items, which would double the time to a usable window: the first frame
 * gets the rows that fit, the rest come right after it. */
static void
on_first_paint (WindsockPickerWindow *self,
                GdkFrameClock        *clock)
{
  g_clear_signal_handler (&self->first_paint_id, clock);
  gtk_slice_list_model_set_size (self->first_rows, G_MAXUINT);
}

static void
windsock_picker_window_realize (GtkWidget *widget)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (widget);

  GTK_WIDGET_CLASS (windsock_picker_window_parent_class)->realize (widget);

  if (gtk_slice_list_model_get_size (self->first_rows) != G_MAXUINT)
    self->first_paint_id = g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                                                    G_CALLBACK (on_first_paint), self, G_CONNECT_SWAPPED);
}

static void
windsock_picker_window_unrealize (GtkWidget *widget)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (widget);

  g_clear_signal_handler (&self->first_paint_id, gtk_widget_get_frame_clock (widget));

  GTK_WIDGET_CLASS (windsock_picker_window_parent_class)->unrealize (widget);
}

/* GObject */

static void
windsock_picker_window_constructed (GObject *object)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (object);

  G_OBJECT_CLASS (windsock_picker_window_parent_class)->constructed (object);

  g_signal_connect_object (self->settings, "changed::favourites",
                           G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent",
                           G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  self->favourites = g_settings_get_strv (self->settings, "favourites");
  self->recent = g_settings_get_strv (self->settings, "recent");

  load_catalog (self);
  watch_cache (self);
}

static void
windsock_picker_window_dispose (GObject *object)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->cache_monitor != NULL)
    g_file_monitor_cancel (self->cache_monitor);
  g_clear_object (&self->cache_monitor);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), WINDSOCK_TYPE_PICKER_WINDOW);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (windsock_picker_window_parent_class)->dispose (object);
}

static void
windsock_picker_window_finalize (GObject *object)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (object);

  g_clear_object (&self->settings);
  g_free (self->cache_path);
  g_free (self->searched);
  g_strfreev (self->terms);
  g_strfreev (self->favourites);
  g_strfreev (self->recent);

  G_OBJECT_CLASS (windsock_picker_window_parent_class)->finalize (object);
}

static void
windsock_picker_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  WindsockPickerWindow *self = WINDSOCK_PICKER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_CACHE_PATH:
      self->cache_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
windsock_picker_window_class_init (WindsockPickerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = windsock_picker_window_constructed;
  object_class->dispose = windsock_picker_window_dispose;
  object_class->finalize = windsock_picker_window_finalize;
  object_class->set_property = windsock_picker_window_set_property;
  widget_class->realize = windsock_picker_window_realize;
  widget_class->unrealize = windsock_picker_window_unrealize;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_PATH] =
    g_param_spec_string ("cache-path", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-picker-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, filter_model);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, sort_model);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, first_rows);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, selection);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, no_match_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, empty_title);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, empty_detail);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WindsockPickerWindow, keys_hint);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_text_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, setup_row);
  gtk_widget_class_bind_template_callback (widget_class, bind_row);
}

static void
windsock_picker_window_init (WindsockPickerWindow *self)
{
  self->searched = g_strdup ("");
  self->terms = g_new0 (char *, 1);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (filter_environment, self, NULL);
  gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  self->sorter = gtk_custom_sorter_new (compare_environments, self, NULL);
  gtk_sort_list_model_set_sorter (self->sort_model, GTK_SORTER (self->sorter));
  g_object_unref (self->filter);
  g_object_unref (self->sorter);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

GtkWidget *
windsock_picker_window_new (GtkApplication *application,
                            GSettings      *settings,
                            const char     *cache_path)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (WINDSOCK_TYPE_PICKER_WINDOW,
                       "application", application,
                       "settings", settings,
                       "cache-path", cache_path,
                       NULL);
}
