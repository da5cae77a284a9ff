/* windsock-preferences-window.c — the Preferences window
 *
 * Every change is written to GSettings at once; the service, another
 * process, follows the keys live. Start at login is the XDG autostart
 * entry, not a key. The profiles' Test buttons resolve credentials in
 * this process, through a WsAwsContext of the window's own, whose
 * reloads of the AWS files the profile list follows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include <gio/gdesktopappinfo.h>

#include "windsock-mfa-prompt.h"
#include "windsock-preferences-window.h"
#include "windsock-profile-row.h"
#include "ws-autostart.h"
#include "ws-catalog.h"
#include "ws-endpoint.h"
#include "ws-launcher.h"
#include "ws-mwaa-protocol.h"
#include "ws-sandbox.h"

struct _WindsockPreferencesWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  GStrv                 environ;
  char                 *cache_path;
  WsAwsContext         *context;
  GPtrArray            *browser_ids;   /* the dropdown's; "" first, the default browser */
  GtkStringList        *browser_names;
  GtkStringList        *private_refs;  /* the environments listed under Private window */
  GHashTable           *profile_positions;  /* name → index in the files, of the profiles listed */

  GtkSwitch            *all_profiles_switch;
  GtkLabel             *config_error_label;
  GtkListBox           *profiles_list;
  GtkWidget            *profiles_hint;
  GtkEntry             *region_entry;
  GtkLabel             *region_error_label;
  GtkListBox           *regions_list;
  GtkDropDown          *pinned_profile_dropdown;
  GtkEntry             *pinned_region_entry;
  GtkEntry             *pinned_name_entry;
  GtkLabel             *pinned_error_label;
  GtkListBox           *pinned_list;
  GtkLabel             *private_note_label;
  GtkListBox           *private_list;
  GtkDropDown          *browser_dropdown;
  GtkSwitch            *autostart_switch;
  GtkLabel             *autostart_error_label;
  GtkSpinButton        *menu_limit_spin;
  GtkSpinButton        *stale_after_spin;
};

G_DEFINE_FINAL_TYPE (WindsockPreferencesWindow, windsock_preferences_window, GTK_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_SETTINGS, PROP_ENVIRON, PROP_CACHE_PATH, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
show_message (GtkLabel   *label,
              const char *message)
{
  gtk_label_set_label (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* Adds @value to the end of the list in @key, or removes it; writes only
 * a change, so that syncing a widget from the key writes nothing back. */
static void
settings_set_listed (GSettings  *settings,
                     const char *key,
                     const char *value,
                     gboolean    listed)
{
  g_auto(GStrv) values = g_settings_get_strv (settings, key);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) changed = NULL;

  if (g_strv_contains ((const char * const *) values, value) == listed)
    return;

  builder = g_strv_builder_new ();
  for (guint i = 0; values[i] != NULL; i++)
    if (!g_str_equal (values[i], value))
      g_strv_builder_add (builder, values[i]);
  if (listed)
    g_strv_builder_add (builder, value);
  changed = g_strv_builder_end (builder);
  g_settings_set_strv (settings, key, (const char * const *) changed);
}

/* Profiles to scan: "profiles" lists the checked ones; empty is all. */

static void
update_profiles_visibility (WindsockPreferencesWindow *self)
{
  gboolean choosing = !gtk_switch_get_active (self->all_profiles_switch);
  gboolean readable = !gtk_widget_get_visible (GTK_WIDGET (self->config_error_label));
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->profiles_list, i)) != NULL; i++)
    windsock_profile_row_set_choosing (WINDSOCK_PROFILE_ROW (row), choosing);
  gtk_widget_set_visible (GTK_WIDGET (self->profiles_list), readable);
  gtk_widget_set_visible (self->profiles_hint, choosing && readable);
}

static void
sync_profiles (WindsockPreferencesWindow *self)
{
  g_auto(GStrv) profiles = g_settings_get_strv (self->settings, "profiles");
  GtkListBoxRow *row;

  /* Switching "All profiles" off writes nothing until one is checked. */
  if (profiles[0] != NULL)
    gtk_switch_set_active (self->all_profiles_switch, FALSE);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->profiles_list, i)) != NULL; i++)
    {
      WindsockProfileRow *profile = WINDSOCK_PROFILE_ROW (row);

      windsock_profile_row_set_checked (profile,
                                        g_strv_contains ((const char * const *) profiles,
                                                         windsock_profile_row_get_name (profile)));
    }
}

static void
on_all_profiles_changed (WindsockPreferencesWindow *self)
{
  g_auto(GStrv) profiles = g_settings_get_strv (self->settings, "profiles");

  if (gtk_switch_get_active (self->all_profiles_switch) && profiles[0] != NULL)
    g_settings_set_strv (self->settings, "profiles", NULL);
  update_profiles_visibility (self);
}

static void
on_profile_checked (WindsockProfileRow        *row,
                    GParamSpec                *pspec,
                    WindsockPreferencesWindow *self)
{
  settings_set_listed (self->settings, "profiles", windsock_profile_row_get_name (row),
                       windsock_profile_row_get_checked (row));
}

/* The profiles follow the AWS files while the window is open: the
 * context reloads them when they change. Rows of the profiles still
 * there stay as they are, with their test results and the focus. */

static gboolean
has_focus_within (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static WindsockProfileRow *
find_profile_row (WindsockPreferencesWindow *self,
                  const char                *name)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->profiles_list, i)) != NULL; i++)
    if (g_str_equal (windsock_profile_row_get_name (WINDSOCK_PROFILE_ROW (row)), name))
      return WINDSOCK_PROFILE_ROW (row);
  return NULL;
}

/* The rows in the files' order. */
static int
compare_profile_rows (GtkListBoxRow *a,
                      GtkListBoxRow *b,
                      gpointer       user_data)
{
  WindsockPreferencesWindow *self = user_data;
  gpointer position_a = g_hash_table_lookup (self->profile_positions,
                                             windsock_profile_row_get_name (WINDSOCK_PROFILE_ROW (a)));
  gpointer position_b = g_hash_table_lookup (self->profile_positions,
                                             windsock_profile_row_get_name (WINDSOCK_PROFILE_ROW (b)));

  return GPOINTER_TO_INT (position_a) - GPOINTER_TO_INT (position_b);
}

/* The focus was in a row that went: to the one after it, or before it,
 * or, with none left, to the switch above the list. */
static void
focus_profile_near (WindsockPreferencesWindow *self,
                    int                        index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->profiles_list, index);

  if (row == NULL && index > 0)
    row = gtk_list_box_get_row_at_index (self->profiles_list, index - 1);
  if (row == NULL || !gtk_widget_child_focus (GTK_WIDGET (row), GTK_DIR_TAB_FORWARD))
    gtk_widget_grab_focus (GTK_WIDGET (self->all_profiles_switch));
}

static void
remove_gone_profiles (WindsockPreferencesWindow *self)
{
  GtkListBoxRow *row;
  int focus_index = -1;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->profiles_list, i)) != NULL; )
    {
      if (g_hash_table_contains (self->profile_positions,
                                 windsock_profile_row_get_name (WINDSOCK_PROFILE_ROW (row))))
        {
          i++;
          continue;
        }
      if (has_focus_within (GTK_WIDGET (row)))
        focus_index = i;
      gtk_list_box_remove (self->profiles_list, GTK_WIDGET (row));
    }
  if (focus_index >= 0)
    focus_profile_near (self, focus_index);
}

static void
add_profile (WindsockPreferencesWindow *self,
             const char                *name)
{
  GtkWidget *row = windsock_profile_row_new (name, self->context);

  g_signal_connect_object (row, "notify::checked", G_CALLBACK (on_profile_checked), self, 0);
  gtk_list_box_append (self->profiles_list, row);
}

/* Those a pinned environment can use: the default one first, which works
 * without a section (credentials from the environment). The choice stays
 * on its profile while that one is there. */
static void
load_pinnable (WindsockPreferencesWindow *self,
               const char * const        *names)
{
  const char *default_name = ws_aws_config_get_default_profile_name ((const char * const *) self->environ);
  GtkStringObject *selected = gtk_drop_down_get_selected_item (self->pinned_profile_dropdown);
  g_autofree char *chosen = selected != NULL ? g_strdup (gtk_string_object_get_string (selected)) : NULL;
  g_autoptr(GtkStringList) pinnable = gtk_string_list_new ((const char *[]) { default_name, NULL });
  guint count;

  for (guint i = 0; names[i] != NULL; i++)
    if (!g_str_equal (names[i], default_name))
      gtk_string_list_append (pinnable, names[i]);
  gtk_drop_down_set_model (self->pinned_profile_dropdown, G_LIST_MODEL (pinnable));

  count = g_list_model_get_n_items (G_LIST_MODEL (pinnable));
  for (guint i = 0; chosen != NULL && i < count; i++)
    if (g_str_equal (gtk_string_list_get_string (pinnable, i), chosen))
      gtk_drop_down_set_selected (self->pinned_profile_dropdown, i);
}

/* The profiles to check and to test. A malformed file says what is wrong
 * instead; the rows wait under it, hidden, for it to be fixed (an editor
 * may save it half-typed). */
static void
load_profiles (WindsockPreferencesWindow *self)
{
  const GError *error = ws_aws_context_get_config_error (self->context);
  g_auto(GStrv) names = NULL;

  if (error != NULL)
    {
      /* The parser's words say where and what; these say what it means here. */
      g_autofree char *message = g_strdup_printf ("%s\n%s", _("The profiles are listed once this mistake "
                                                               "in the AWS configuration is fixed:"),
                                                  error->message);

      show_message (self->config_error_label, message);
      if (has_focus_within (GTK_WIDGET (self->profiles_list)))
        gtk_widget_grab_focus (GTK_WIDGET (self->all_profiles_switch));
      update_profiles_visibility (self);
      return;
    }

  show_message (self->config_error_label, NULL);
  names = ws_aws_config_get_profile_names (ws_aws_context_get_config (self->context));
  g_hash_table_remove_all (self->profile_positions);
  for (guint i = 0; names[i] != NULL; i++)
    g_hash_table_insert (self->profile_positions, g_strdup (names[i]), GUINT_TO_POINTER (i));

  remove_gone_profiles (self);
  for (guint i = 0; names[i] != NULL; i++)
    if (find_profile_row (self, names[i]) == NULL)
      add_profile (self, names[i]);
  gtk_list_box_invalidate_sort (self->profiles_list);
  load_pinnable (self, (const char * const *) names);
  sync_profiles (self);
  update_profiles_visibility (self);
}

/* The lists of extra regions and pinned environments */

/* A value of a list key as a row's title; an environment's
 * "profile/region/name" shows as the name over "profile · region". */
static GtkWidget *
create_value_labels (const char *value)
{
  const char *slash = strrchr (value, '/');
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (slash != NULL ? slash + 1 : value);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (labels), title);
  if (slash != NULL)
    {
      g_autofree char *prefix = g_strndup (value, slash - value);
      g_auto(GStrv) parts = g_strsplit (prefix, "/", -1);
      g_autofree char *place = g_strjoinv (" · ", parts);
      GtkWidget *subtitle = gtk_label_new (place);

      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_box_append (GTK_BOX (labels), subtitle);
    }
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  return labels;
}

/* A row of one of the lists, whose controls take the focus. */
static GtkWidget *
create_list_row (GtkWidget *labels,
                 GtkWidget *control)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_valign (control, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), control);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* One value of a list key, with a button that removes it. */
static GtkWidget *
create_value_row (gpointer item,
                  gpointer user_data)
{
  const char *key = user_data;
  const char *value = gtk_string_object_get_string (item);
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), value);


  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "prefs.remove-value");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", key, value);
  return create_list_row (create_value_labels (value), button);
}

static void
reload_values (GSettings     *settings,
               const char    *key,
               GtkStringList *values)
{
  g_auto(GStrv) strv = g_settings_get_strv (settings, key);

  gtk_string_list_splice (values, 0, g_list_model_get_n_items (G_LIST_MODEL (values)),
                          (const char * const *) strv);
}

/* Shows the list in @key in @list_box, kept up to date. */
static void
bind_values (WindsockPreferencesWindow *self,
             GtkListBox                *list_box,
             const char                *key)
{
  g_autoptr(GtkStringList) values = gtk_string_list_new (NULL);
  g_autofree char *signal = g_strconcat ("changed::", key, NULL);

  reload_values (self->settings, key, values);
  gtk_list_box_bind_model (list_box, G_LIST_MODEL (values), create_value_row, (gpointer) key, NULL);
  g_signal_connect_object (self->settings, signal, G_CALLBACK (reload_values), values, 0);
}

static void
remove_value (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WindsockPreferencesWindow *self = WINDSOCK_PREFERENCES_WINDOW (widget);
  const char *key;
  const char *value;

  g_variant_get (parameter, "(&s&s)", &key, &value);
  settings_set_listed (self->settings, key, value, FALSE);
}

/* The entry's text, or %NULL when there is none: then the focus goes
 * there, to type it. */
static char *
dup_entry_text (GtkEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*text != '\0')
    return g_steal_pointer (&text);

  gtk_widget_error_bell (GTK_WIDGET (entry));
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  return NULL;
}

static void
on_region_add (WindsockPreferencesWindow *self)
{
  g_autofree char *region = dup_entry_text (self->region_entry);
  g_autoptr(GError) error = NULL;

  if (region == NULL)
    return;
  if (!ws_endpoint_validate_region (region, &error))
    {
      show_message (self->region_error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->region_entry));
      return;
    }

  settings_set_listed (self->settings, "extra-regions", region, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->region_entry), "");
}

/* An error is about what was typed; typing on makes it stale. */
static void
on_region_edited (WindsockPreferencesWindow *self)
{
  show_message (self->region_error_label, NULL);
}

static void
on_pinned_add (WindsockPreferencesWindow *self)
{
  GtkStringObject *profile = gtk_drop_down_get_selected_item (self->pinned_profile_dropdown);
  g_autofree char *region = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ref = NULL;
  g_autoptr(GError) error = NULL;

  if ((region = dup_entry_text (self->pinned_region_entry)) == NULL ||
      (name = dup_entry_text (self->pinned_name_entry)) == NULL)
    return;
  if (!ws_endpoint_validate_region (region, &error))
    {
      show_message (self->pinned_error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pinned_region_entry));
      return;
    }
  if (!ws_mwaa_validate_environment_name (name, &error))
    {
      show_message (self->pinned_error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pinned_name_entry));
      return;
    }

  ref = g_strdup_printf ("%s/%s/%s", gtk_string_object_get_string (profile), region, name);
  settings_set_listed (self->settings, "pinned-environments", ref, TRUE);
  /* The region stays: the next one is often in the same place. */
  gtk_editable_set_text (GTK_EDITABLE (self->pinned_name_entry), "");
}

static void
on_pinned_edited (WindsockPreferencesWindow *self)
{
  show_message (self->pinned_error_label, NULL);
}

/* Private window: the environments known (the catalog cache the picker
 * reads, the pinned ones) and any already in "private-environments",
 * each with a switch bound to its membership there. */

typedef struct
{
  GSettings *settings;
  char      *ref;
} Membership;

static void
membership_free (gpointer data)
{
  Membership *membership = data;

  g_object_unref (membership->settings);
  g_free (membership->ref);
  g_free (membership);
}

static gboolean
get_membership (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  Membership *membership = user_data;
  g_autofree const char **values = g_variant_get_strv (variant, NULL);

  g_value_set_boolean (value, g_strv_contains (values, membership->ref));
  return TRUE;
}

static GVariant *
set_membership (const GValue       *value,
                const GVariantType *type,
                gpointer            user_data)
{
  Membership *membership = user_data;
  g_auto(GStrv) values = g_settings_get_strv (membership->settings, "private-environments");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) changed = NULL;

  for (guint i = 0; values[i] != NULL; i++)
    if (!g_str_equal (values[i], membership->ref))
      g_strv_builder_add (builder, values[i]);
  if (g_value_get_boolean (value))
    g_strv_builder_add (builder, membership->ref);
  changed = g_strv_builder_end (builder);
  return g_variant_new_strv ((const char * const *) changed, -1);
}

static GtkWidget *
create_private_row (gpointer item,
                    gpointer user_data)
{
  WindsockPreferencesWindow *self = user_data;
  Membership *membership = g_new0 (Membership, 1);
  GtkWidget *toggle = gtk_switch_new ();
  g_autofree char *label = NULL;

  membership->settings = g_object_ref (self->settings);
  membership->ref = g_strdup (gtk_string_object_get_string (item));
  label = g_strdup_printf (_("Open %s in a private window"), membership->ref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_settings_bind_with_mapping (self->settings, "private-environments", toggle, "active",
                                G_SETTINGS_BIND_DEFAULT, get_membership, set_membership,
                                membership, membership_free);
  return create_list_row (create_value_labels (membership->ref), toggle);
}

static void
add_private_refs (WindsockPreferencesWindow *self,
                  const char * const        *refs)
{
  for (guint i = 0; refs[i] != NULL; i++)
    {
      GListModel *model = G_LIST_MODEL (self->private_refs);
      gboolean listed = FALSE;

      for (guint j = 0; j < g_list_model_get_n_items (model) && !listed; j++)
        listed = g_str_equal (gtk_string_list_get_string (self->private_refs, j), refs[i]);
      if (!listed)
        gtk_string_list_append (self->private_refs, refs[i]);
    }
}

/* The list only grows while the window is open: a row does not vanish
 * under the switch just turned off. */
static void
sync_private_refs (WindsockPreferencesWindow *self)
{
  g_auto(GStrv) pinned = g_settings_get_strv (self->settings, "pinned-environments");
  g_auto(GStrv) chosen = g_settings_get_strv (self->settings, "private-environments");

  add_private_refs (self, (const char * const *) pinned);
  add_private_refs (self, (const char * const *) chosen);
}

static void
load_private_refs (WindsockPreferencesWindow *self)
{
  g_autoptr(WsCatalog) catalog = ws_catalog_new (NULL, NULL, self->cache_path);
  GListModel *environments = G_LIST_MODEL (catalog);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) refs = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (environments); i++)
    {
      g_autoptr(WsEnvironment) environment = g_list_model_get_item (environments, i);
      g_autofree char *ref = ws_environment_dup_ref (environment);

      g_strv_builder_add (builder, ref);
    }
  refs = g_strv_builder_end (builder);

  self->private_refs = gtk_string_list_new ((const char * const *) refs);
  sync_private_refs (self);
  gtk_list_box_bind_model (self->private_list, G_LIST_MODEL (self->private_refs),
                           create_private_row, self, NULL);
  g_signal_connect_object (self->settings, "changed::pinned-environments",
                           G_CALLBACK (sync_private_refs), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::private-environments",
                           G_CALLBACK (sync_private_refs), self, G_CONNECT_SWAPPED);
}

/* Browser: "browser" holds a desktop id, "" for the default browser. */

static GAppInfo *
dup_chosen_browser (WindsockPreferencesWindow *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "browser");

  if (id[0] == '\0')
    return g_app_info_get_default_for_uri_scheme ("https");
  return G_APP_INFO (g_desktop_app_info_new (id));
}

/* Said where it matters, next to the environments it is about. */
static void
update_private_note (WindsockPreferencesWindow *self)
{
  g_autoptr(GAppInfo) browser = dup_chosen_browser (self);
  g_autofree char *message = NULL;

  if (ws_sandbox_is_flatpak ())
    message = g_strdup (_("Inside the Flatpak, pages open through your desktop’s default browser, "
                          "which cannot be asked for a private window: copy the sign-in link into "
                          "one instead."));
  else if (browser != NULL && !ws_launcher_has_private_window (browser))
    message = g_strdup_printf (_("Windsock does not know how to open a private window in %s, "
                                 "so these environments open in a normal window. Choose "
                                 "another browser in General to change that."),
                               g_app_info_get_display_name (browser));
  show_message (self->private_note_label, message);
}

static guint
browser_index (WindsockPreferencesWindow *self,
               const char                *id)
{
  guint index;

  if (g_ptr_array_find_with_equal_func (self->browser_ids, id, g_str_equal, &index))
    return index;
  return GTK_INVALID_LIST_POSITION;
}

static void
add_browser (WindsockPreferencesWindow *self,
             const char                *id,
             const char                *name)
{
  g_ptr_array_add (self->browser_ids, g_strdup (id));
  gtk_string_list_append (self->browser_names, name);
}

/* One chosen before and uninstalled since stays, shown by its id. It is
 * appended before the binding reads the key, so that it finds it. */
static void
add_unknown_browser (WindsockPreferencesWindow *self)
{
  g_autofree char *current = g_settings_get_string (self->settings, "browser");

  if (browser_index (self, current) == GTK_INVALID_LIST_POSITION)
    add_browser (self, current, current);
}

static void
load_browsers (WindsockPreferencesWindow *self)
{
  g_autolist(GAppInfo) apps = g_app_info_get_all_for_type ("x-scheme-handler/https");

  self->browser_ids = g_ptr_array_new_with_free_func (g_free);
  self->browser_names = gtk_string_list_new (NULL);
  add_browser (self, "", _("Default browser"));
  for (GList *l = apps; l != NULL; l = l->next)
    if (g_app_info_get_id (l->data) != NULL)
      add_browser (self, g_app_info_get_id (l->data), g_app_info_get_display_name (l->data));
  add_unknown_browser (self);
  gtk_drop_down_set_model (self->browser_dropdown, G_LIST_MODEL (self->browser_names));
}

static gboolean
get_browser_index (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  guint index = browser_index (user_data, g_variant_get_string (variant, NULL));

  g_value_set_uint (value, index);
  return index != GTK_INVALID_LIST_POSITION;
}

static GVariant *
set_browser_id (const GValue       *value,
                const GVariantType *type,
                gpointer            user_data)
{
  WindsockPreferencesWindow *self = user_data;
  guint index = g_value_get_uint (value);

  if (index >= self->browser_ids->len)
    return NULL;
  return g_variant_new_string (g_ptr_array_index (self->browser_ids, index));
}

static void
bind_browser (WindsockPreferencesWindow *self)
{
  load_browsers (self);
  g_signal_connect_object (self->settings, "changed::browser",
                           G_CALLBACK (add_unknown_browser), self, G_CONNECT_SWAPPED);
  g_settings_bind_with_mapping (self->settings, "browser", self->browser_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_browser_index, set_browser_id,
                                self, NULL);
  /* The sandbox can only hand pages to the OpenURI portal. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->browser_dropdown), !ws_sandbox_is_flatpak ());
  update_private_note (self);
  g_signal_connect_object (self->settings, "changed::browser",
                           G_CALLBACK (update_private_note), self, G_CONNECT_SWAPPED);
}

/* Refresh after: seconds in the key, minutes on the screen. */

static gboolean
get_minutes (GValue   *value,
             GVariant *variant,
             gpointer  user_data)
{
  g_value_set_double (value, MAX (1, (g_variant_get_uint32 (variant) + 30) / 60));
  return TRUE;
}

static GVariant *
set_seconds (const GValue       *value,
             const GVariantType *type,
             gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) g_value_get_double (value) * 60);
}

/* Start at login */

static void
on_autostart_changed (WindsockPreferencesWindow *self)
{
  gboolean enabled = gtk_switch_get_active (self->autostart_switch);
  g_autoptr(GError) error = NULL;

  if (ws_autostart_set_enabled ((const char * const *) self->environ, enabled, &error))
    {
      show_message (self->autostart_error_label, NULL);
      return;
    }

  show_message (self->autostart_error_label, error->message);
  g_signal_handlers_block_by_func (self->autostart_switch, on_autostart_changed, self);
  gtk_switch_set_active (self->autostart_switch, !enabled);
  g_signal_handlers_unblock_by_func (self->autostart_switch, on_autostart_changed, self);
}

/* GObject */

static void
windsock_preferences_window_constructed (GObject *object)
{
  WindsockPreferencesWindow *self = WINDSOCK_PREFERENCES_WINDOW (object);
  g_autoptr(WsAwsClient) client = ws_aws_client_new ();
  g_auto(GStrv) profiles = NULL;

  G_OBJECT_CLASS (windsock_preferences_window_parent_class)->constructed (object);

  if (self->environ == NULL)
    self->environ = g_get_environ ();
  self->context = ws_aws_context_new (client, (const char * const *) self->environ);
  /* A profile with mfa_serial asks for the code when it is tested. */
  windsock_mfa_prompt_install (self->context, GTK_WINDOW (self));

  self->profile_positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_list_box_set_sort_func (self->profiles_list, compare_profile_rows, self, NULL);
  /* The default profile can be pinned even when the files cannot be read. */
  load_pinnable (self, (const char *[]) { NULL });
  load_profiles (self);
  g_signal_connect_object (self->context, "changed", G_CALLBACK (load_profiles), self, G_CONNECT_SWAPPED);
  profiles = g_settings_get_strv (self->settings, "profiles");
  gtk_switch_set_active (self->all_profiles_switch, profiles[0] == NULL);
  sync_profiles (self);
  update_profiles_visibility (self);
  g_signal_connect_object (self->settings, "changed::profiles",
                           G_CALLBACK (sync_profiles), self, G_CONNECT_SWAPPED);

  bind_values (self, self->regions_list, "extra-regions");
  bind_values (self, self->pinned_list, "pinned-environments");
  load_private_refs (self);
  bind_browser (self);

  g_signal_handlers_block_by_func (self->autostart_switch, on_autostart_changed, self);
  gtk_switch_set_active (self->autostart_switch,
                         ws_autostart_get_enabled ((const char * const *) self->environ));
  g_signal_handlers_unblock_by_func (self->autostart_switch, on_autostart_changed, self);

  g_settings_bind (self->settings, "menu-limit", self->menu_limit_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "stale-after", self->stale_after_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, get_minutes, set_seconds, NULL, NULL);
}

static void
windsock_preferences_window_dispose (GObject *object)
{
  WindsockPreferencesWindow *self = WINDSOCK_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), WINDSOCK_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (windsock_preferences_window_parent_class)->dispose (object);
}

static void
windsock_preferences_window_finalize (GObject *object)
{
  WindsockPreferencesWindow *self = WINDSOCK_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->context);
  g_clear_object (&self->browser_names);
  g_clear_object (&self->private_refs);
  g_clear_pointer (&self->browser_ids, g_ptr_array_unref);
  g_clear_pointer (&self->profile_positions, g_hash_table_unref);
  g_strfreev (self->environ);
  g_free (self->cache_path);

  G_OBJECT_CLASS (windsock_preferences_window_parent_class)->finalize (object);
}

static void
windsock_preferences_window_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  WindsockPreferencesWindow *self = WINDSOCK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_ENVIRON:
      self->environ = g_value_dup_boxed (value);
      break;
    case PROP_CACHE_PATH:
      self->cache_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
windsock_preferences_window_class_init (WindsockPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = windsock_preferences_window_constructed;
  object_class->dispose = windsock_preferences_window_dispose;
  object_class->finalize = windsock_preferences_window_finalize;
  object_class->set_property = windsock_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENVIRON] =
    g_param_spec_boxed ("environ", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The catalog cache whose environments are listed; NULL for the default. */
  properties[PROP_CACHE_PATH] =
    g_param_spec_string ("cache-path", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "prefs.remove-value", "(ss)", remove_value);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, all_profiles_switch);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, config_error_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, profiles_list);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, profiles_hint);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, region_entry);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, region_error_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, regions_list);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, pinned_profile_dropdown);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, pinned_region_entry);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, pinned_name_entry);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, pinned_error_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, pinned_list);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, private_note_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, private_list);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, browser_dropdown);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, autostart_error_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, menu_limit_spin);
  gtk_widget_class_bind_template_child (widget_class, WindsockPreferencesWindow, stale_after_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_all_profiles_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_region_add);
  gtk_widget_class_bind_template_callback (widget_class, on_region_edited);
  gtk_widget_class_bind_template_callback (widget_class, on_pinned_add);
  gtk_widget_class_bind_template_callback (widget_class, on_pinned_edited);
  gtk_widget_class_bind_template_callback (widget_class, on_autostart_changed);
}

static void
windsock_preferences_window_init (WindsockPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
windsock_preferences_window_new (GtkApplication     *application,
                                 GSettings          *settings,
                                 const char * const *environ)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (WINDSOCK_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       "settings", settings,
                       "environ", environ,
                       NULL);
}
