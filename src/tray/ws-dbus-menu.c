/* ws-dbus-menu.c — exports any GMenuModel + GActionGroup as
 * com.canonical.dbusmenu (version 3), for a StatusNotifierItem's menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-dbus-menu.h"

#include <string.h>

#include <glib/gi18n.h>

/* The model is mirrored as a tree of MenuNodes, one per GMenuModel (menu,
 * section or submenu), each with one Entry per model item: an Entry keeps
 * its ids for as long as its item stays in the model. What hosts see —
 * sections flattened into groups between separators — is derived from the
 * mirror on demand and kept until the next change of the model. */

typedef struct _MenuNode MenuNode;

typedef struct
{
  MenuNode *parent;
  int       id;            /* 0 for a section, which is no item itself */
  int       separator_id;  /* of the separator before the group this entry
                            * starts; 0 until one is shown */
  MenuNode *section;
  MenuNode *submenu;
  /* The item's own properties (label, icon, shortcut…), read once: a model
   * changes an item only by replacing it (items-changed). */
  GVariant *attributes;
} Entry;

struct _MenuNode
{
  WsDBusMenu *menu;
  GMenuModel *model;
  gulong      items_changed_id;
  GPtrArray  *entries;     /* Entry*, in model order */
};

/* An exported item: the root, a model item or a separator. */
typedef struct
{
  int        id;
  gboolean   separator;
  Entry     *entry;        /* NULL for the root and separators */
  GPtrArray *children;     /* Item* (not owned); the root's and submenus' */
} Item;

typedef enum
{
  ACTION_MISSING,
  ACTION_DISABLED,
  ACTION_ENABLED,
} ActionAvailability;

enum
{
  SIGNAL_ABOUT_TO_SHOW,
  SIGNAL_CLOSED,
  SIGNAL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _WsDBusMenu
{
  GObject          parent_instance;

  GActionGroup    *actions;
  gulong           action_handlers[4];
  MenuNode        *root;
  int              last_id;

  GHashTable      *items;            /* id → Item*; NULL while stale */
  guint            revision;
  gboolean         layout_changed;   /* LayoutUpdated pending */
  GHashTable      *changed_actions;  /* names whose items need ItemsPropertiesUpdated */
  guint            update_id;

  GDBusConnection *connection;
  char            *object_path;
  guint            registration_id;
};

G_DEFINE_FINAL_TYPE (WsDBusMenu, ws_dbus_menu, G_TYPE_OBJECT)

#define DBUS_MENU_INTERFACE "com.canonical.dbusmenu"

/* From libdbusmenu's dbus-menu.xml; ItemActivationRequested is never sent. */
static const char introspection_xml[] =
  "<node>"
  "  <interface name='" DBUS_MENU_INTERFACE "'>"
  "    <property name='Version' type='u' access='read'/>"
  "    <property name='TextDirection' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='IconThemePath' type='as' access='read'/>"
  "    <method name='GetLayout'>"
  "      <arg type='i' name='parentId' direction='in'/>"
  "      <arg type='i' name='recursionDepth' direction='in'/>"
  "      <arg type='as' name='propertyNames' direction='in'/>"
  "      <arg type='u' name='revision' direction='out'/>"
  "      <arg type='(ia{sv}av)' name='layout' direction='out'/>"
  "    </method>"
  "    <method name='GetGroupProperties'>"
  "      <arg type='ai' name='ids' direction='in'/>"
  "      <arg type='as' name='propertyNames' direction='in'/>"
  "      <arg type='a(ia{sv})' name='properties' direction='out'/>"
  "    </method>"
  "    <method name='GetProperty'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='s' name='name' direction='in'/>"
  "      <arg type='v' name='value' direction='out'/>"
  "    </method>"
  "    <method name='Event'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='s' name='eventId' direction='in'/>"
  "      <arg type='v' name='data' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "    <method name='EventGroup'>"
  "      <arg type='a(isvu)' name='events' direction='in'/>"
  "      <arg type='ai' name='idErrors' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShow'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='b' name='needUpdate' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShowGroup'>"
  "      <arg type='ai' name='ids' direction='in'/>"
  "      <arg type='ai' name='updatesNeeded' direction='out'/>"
  "      <arg type='ai' name='idErrors' direction='out'/>"
  "    </method>"
  "    <signal name='ItemsPropertiesUpdated'>"
  "      <arg type='a(ia{sv})' name='updatedProps'/>"
  "      <arg type='a(ias)' name='removedProps'/>"
  "    </signal>"
  "    <signal name='LayoutUpdated'>"
  "      <arg type='u' name='revision'/>"
  "      <arg type='i' name='parent'/>"
  "    </signal>"
  "    <signal name='ItemActivationRequested'>"
  "      <arg type='i' name='id'/>"
  "      <arg type='u' name='timestamp'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

static GDBusInterfaceInfo *interface_info;

/* Updates, coalesced in an idle */

static gboolean emit_updates (gpointer data);

static void
schedule_update (WsDBusMenu *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (emit_updates, self);
}

static void
invalidate_layout (WsDBusMenu *self)
{
  g_clear_pointer (&self->items, g_hash_table_unref);
  if (!self->layout_changed)
    {
      self->layout_changed = TRUE;
      self->revision++;
    }
  schedule_update (self);
}

static void
action_changed (WsDBusMenu *self,
                const char *name)
{
  g_hash_table_add (self->changed_actions, g_strdup (name));
  schedule_update (self);
}

static void
on_action_added_or_removed (GActionGroup *actions,
                            const char   *name,
                            gpointer      self)
{
  action_changed (self, name);
}

static void
on_action_enabled_changed (GActionGroup *actions,
                           const char   *name,
                           gboolean      enabled,
                           gpointer      self)
{
  action_changed (self, name);
}

static void
on_action_state_changed (GActionGroup *actions,
                         const char   *name,
                         GVariant     *state,
                         gpointer      self)
{
  action_changed (self, name);
}

/* The mirror of the model */

static MenuNode *menu_node_new (WsDBusMenu *self,
                                GMenuModel *model);

static void
menu_node_free (MenuNode *node)
{
  g_clear_signal_handler (&node->items_changed_id, node->model);
  g_ptr_array_unref (node->entries);
  g_object_unref (node->model);
  g_free (node);
}

static Entry *
entry_new (MenuNode *parent,
           int       index)
{
  g_autoptr(GMenuModel) section = NULL;
  g_autoptr(GMenuModel) submenu = NULL;
  Entry *entry = g_new0 (Entry, 1);

  entry->parent = parent;
  section = g_menu_model_get_item_link (parent->model, index, G_MENU_LINK_SECTION);
  if (section != NULL)
    {
      entry->section = menu_node_new (parent->menu, section);
      return entry;
    }
  entry->id = ++parent->menu->last_id;
  submenu = g_menu_model_get_item_link (parent->model, index, G_MENU_LINK_SUBMENU);
  if (submenu != NULL)
    entry->submenu = menu_node_new (parent->menu, submenu);
  return entry;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->section, menu_node_free);
  g_clear_pointer (&entry->submenu, menu_node_free);
  g_clear_pointer (&entry->attributes, g_variant_unref);
  g_free (entry);
}

static void
on_items_changed (GMenuModel *model,
                  int         position,
                  int         removed,
                  int         added,
                  MenuNode   *node)
{
  g_ptr_array_remove_range (node->entries, position, removed);
  for (int i = position; i < position + added; i++)
    g_ptr_array_insert (node->entries, i, entry_new (node, i));
  invalidate_layout (node->menu);
}

static MenuNode *
menu_node_new (WsDBusMenu *self,
               GMenuModel *model)
{
  MenuNode *node = g_new0 (MenuNode, 1);
  int n_items = g_menu_model_get_n_items (model);

  node->menu = self;
  node->model = g_object_ref (model);
  node->entries = g_ptr_array_new_full (n_items, entry_free);
  for (int i = 0; i < n_items; i++)
    g_ptr_array_add (node->entries, entry_new (node, i));
  node->items_changed_id = g_signal_connect (model, "items-changed",
                                             G_CALLBACK (on_items_changed), node);
  return node;
}

static int
entry_get_index (Entry *entry)
{
  guint index = 0;

  g_ptr_array_find (entry->parent->entries, entry, &index);
  return index;
}

/* The exported items */

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->children, g_ptr_array_unref);
  g_free (item);
}

static Item *
add_item (WsDBusMenu *self,
          GPtrArray  *siblings,
          int         id,
          Entry      *entry)
{
  Item *item = g_new0 (Item, 1);

  item->id = id;
  item->entry = entry;
  g_hash_table_insert (self->items, GINT_TO_POINTER (id), item);
  if (siblings != NULL)
    g_ptr_array_add (siblings, item);
  return item;
}

/* Walks a menu and its sections in order, putting one separator between
 * groups that have items: none first or last, none for an empty section. */
typedef struct
{
  WsDBusMenu *menu;
  GPtrArray  *children;
  Entry      *separator_owner;  /* whose separator goes before the next item */
  gboolean    after_section;
} Flattening;

static void add_children (WsDBusMenu *self,
                          Item       *item,
                          MenuNode   *node);

static void
start_group (Flattening *flattening,
             Entry      *entry)
{
  if (flattening->separator_owner == NULL)
    flattening->separator_owner = entry;
}

static void
add_entry (Flattening *flattening,
           Entry      *entry)
{
  Entry *owner = flattening->separator_owner;
  Item *item;

  if (owner != NULL && flattening->children->len > 0)
    {
      if (owner->separator_id == 0)
        owner->separator_id = ++flattening->menu->last_id;
      item = add_item (flattening->menu, flattening->children, owner->separator_id, NULL);
      item->separator = TRUE;
    }
  flattening->separator_owner = NULL;
  flattening->after_section = FALSE;

  item = add_item (flattening->menu, flattening->children, entry->id, entry);
  if (entry->submenu != NULL)
    add_children (flattening->menu, item, entry->submenu);
}

static void
flatten (Flattening *flattening,
         MenuNode   *node)
{
  for (guint i = 0; i < node->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (node->entries, i);

      if (entry->section != NULL)
        {
          start_group (flattening, entry);
          flatten (flattening, entry->section);
          flattening->after_section = TRUE;
          continue;
        }
      if (flattening->after_section)
        start_group (flattening, entry);
      add_entry (flattening, entry);
    }
}

static void
add_children (WsDBusMenu *self,
              Item       *item,
              MenuNode   *node)
{
  Flattening flattening = { self, g_ptr_array_new (), NULL, FALSE };

  item->children = flattening.children;
  flatten (&flattening, node);
}

/* The exported items, derived again after each change of the model. */
static GHashTable *
ensure_items (WsDBusMenu *self)
{
  if (self->items == NULL)
    {
      Item *root;

      self->items = g_hash_table_new_full (NULL, NULL, NULL, item_free);
      root = add_item (self, NULL, 0, NULL);
      add_children (self, root, self->root);
    }
  return self->items;
}

static Item *
lookup_item (WsDBusMenu *self,
             int         id)
{
  return g_hash_table_lookup (ensure_items (self), GINT_TO_POINTER (id));
}

/* Item properties */

/* The item's action as named in the action group ("app.foo" → "foo"). */
static char *
read_action (GMenuModel  *model,
             int          index,
             GVariant   **target)
{
  g_autofree char *action = NULL;

  if (!g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_ACTION, "s", &action))
    return NULL;
  *target = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_TARGET, NULL);
  if (g_str_has_prefix (action, "app.") || g_str_has_prefix (action, "win."))
    return g_strdup (action + strlen ("app."));
  return g_steal_pointer (&action);
}

static ActionAvailability
query_action (WsDBusMenu  *self,
              const char  *name,
              GVariant    *target,
              GVariant   **state)
{
  const GVariantType *parameter_type = NULL;
  gboolean enabled = FALSE;

  if (self->actions == NULL || name == NULL ||
      !g_action_group_query_action (self->actions, name, &enabled, &parameter_type,
                                    NULL, NULL, state))
    return ACTION_MISSING;
  /* As in GTK: a target the action cannot take disables the item (and
   * activating it would be a programming error). */
  if (!enabled ||
      (target == NULL) != (parameter_type == NULL) ||
      (target != NULL && !g_variant_is_of_type (target, parameter_type)))
    return ACTION_DISABLED;
  return ACTION_ENABLED;
}

/* As in GTK, a submenu opens whether or not its item has an action. */
static gboolean
has_submenu (GMenuModel *model,
             int         index)
{
  g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, index, G_MENU_LINK_SUBMENU);

  return submenu != NULL;
}

/* enabled, visible, toggle-type and toggle-state: what changes with the
 * actions. A submenu without an action is enabled. */
static void
add_action_properties (WsDBusMenu   *self,
                       GMenuModel   *model,
                       int           index,
                       GVariantDict *props)
{
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autofree char *action = read_action (model, index, &target);
  g_autofree char *hidden_when = NULL;
  ActionAvailability availability = query_action (self, action, target, &state);
  gboolean visible = TRUE;

  g_menu_model_get_item_attribute (model, index, "hidden-when", "s", &hidden_when);
  if (g_strcmp0 (hidden_when, "action-missing") == 0)
    visible = availability != ACTION_MISSING;
  else if (g_strcmp0 (hidden_when, "action-disabled") == 0)
    visible = availability == ACTION_ENABLED;
  g_variant_dict_insert (props, "enabled", "b", availability == ACTION_ENABLED
                         || (action == NULL && has_submenu (model, index)));
  g_variant_dict_insert (props, "visible", "b", visible);

  if (state == NULL)
    return;
  if (target != NULL && g_variant_is_of_type (target, g_variant_get_type (state)))
    {
      g_variant_dict_insert (props, "toggle-type", "s", "radio");
      g_variant_dict_insert (props, "toggle-state", "i", g_variant_equal (state, target));
    }
  else if (target == NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
    {
      g_variant_dict_insert (props, "toggle-type", "s", "checkmark");
      g_variant_dict_insert (props, "toggle-state", "i", g_variant_get_boolean (state));
    }
}

static gboolean
is_png (GBytes *bytes)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return size >= sizeof signature && memcmp (data, signature, sizeof signature) == 0;
}

static GBytes *
icon_get_png (GIcon *icon)
{
  g_autoptr(GBytes) bytes = NULL;

  if (G_IS_BYTES_ICON (icon))
    bytes = g_bytes_ref (g_bytes_icon_get_bytes (G_BYTES_ICON (icon)));
  else if (G_IS_FILE_ICON (icon))
    {
      GFile *file = g_file_icon_get_file (G_FILE_ICON (icon));
      char *contents = NULL;
      gsize length = 0;

      /* A small local file, read once per item (see Entry.attributes). */
      if (g_file_is_native (file) &&
          g_file_load_contents (file, NULL, &contents, &length, NULL, NULL))
        bytes = g_bytes_new_take (contents, length);
    }
  return bytes != NULL && is_png (bytes) ? g_steal_pointer (&bytes) : NULL;
}

static void
add_icon_property (GMenuModel   *model,
                   int           index,
                   GVariantDict *props)
{
  g_autoptr(GVariant) serialized = NULL;
  g_autoptr(GIcon) icon = NULL;
  g_autoptr(GBytes) png = NULL;

  serialized = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_ICON, NULL);
  if (serialized == NULL || (icon = g_icon_deserialize (serialized)) == NULL)
    return;
  if (G_IS_THEMED_ICON (icon))
    {
      const char * const *names = g_themed_icon_get_names (G_THEMED_ICON (icon));

      if (names[0] != NULL)
        g_variant_dict_insert (props, "icon-name", "s", names[0]);
    }
  else if ((png = icon_get_png (icon)) != NULL)
    {
      g_variant_dict_insert_value (props, "icon-data",
                                   g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, png, TRUE));
    }
}

/* "<Primary><Shift>q" → [["Control", "Shift", "q"]]; NULL for a modifier
 * dbusmenu has no name for. */
static GVariant *
shortcut_from_accel (const char *accel)
{
  static const struct { const char *accel; const char *dbusmenu; } modifiers[] = {
    { "primary", "Control" }, { "control", "Control" }, { "ctrl", "Control" },
    { "ctl", "Control" }, { "shift", "Shift" }, { "alt", "Alt" },
    { "mod1", "Alt" }, { "super", "Super" },
  };
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  g_auto(GStrv) combination = NULL;
  GVariant *combinations;

  while (*accel == '<')
    {
      const char *end = strchr (accel, '>');
      const char *key = NULL;

      for (gsize i = 0; end != NULL && key == NULL && i < G_N_ELEMENTS (modifiers); i++)
        if (strlen (modifiers[i].accel) == (gsize) (end - accel - 1) &&
            g_ascii_strncasecmp (accel + 1, modifiers[i].accel, end - accel - 1) == 0)
          key = modifiers[i].dbusmenu;
      if (key == NULL)
        return NULL;
      g_strv_builder_add (keys, key);
      accel = end + 1;
    }
  if (*accel == '\0')
    return NULL;
  g_strv_builder_add (keys, accel);
  combination = g_strv_builder_end (keys);
  combinations = g_variant_new_strv ((const char * const *) combination, -1);
  return g_variant_new_array (G_VARIANT_TYPE_STRING_ARRAY, &combinations, 1);
}

static GVariant *
read_attributes (Entry      *entry,
                 GMenuModel *model,
                 int         index)
{
  g_auto(GVariantDict) props = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *label = NULL;
  g_autofree char *accel = NULL;

  /* Labels keep their mnemonics: dbusmenu shares GMenu's "_" convention. */
  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  g_variant_dict_insert (&props, "label", "s", label != NULL ? label : "");
  if (g_menu_model_get_item_attribute (model, index, "accel", "s", &accel))
    {
      GVariant *shortcut = shortcut_from_accel (accel);

      if (shortcut != NULL)
        g_variant_dict_insert_value (&props, "shortcut", shortcut);
    }
  add_icon_property (model, index, &props);
  if (entry->submenu != NULL)
    g_variant_dict_insert (&props, "children-display", "s", "submenu");
  return g_variant_ref_sink (g_variant_dict_end (&props));
}

static void
collect_properties (WsDBusMenu   *self,
                    Item         *item,
                    GVariantDict *props)
{
  GMenuModel *model;
  GVariantIter iter;
  const char *name;
  GVariant *value;
  int index;

  if (item->separator)
    {
      g_variant_dict_insert (props, "type", "s", "separator");
      return;
    }
  if (item->entry == NULL)
    {
      g_variant_dict_insert (props, "children-display", "s", "submenu");
      return;
    }

  model = item->entry->parent->model;
  index = entry_get_index (item->entry);
  if (item->entry->attributes == NULL)
    item->entry->attributes = read_attributes (item->entry, model, index);
  g_variant_iter_init (&iter, item->entry->attributes);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    g_variant_dict_insert_value (props, name, value);
  add_action_properties (self, model, index, props);
}

/* The item's properties as a{sv}, only those in @names unless it is empty. */
static GVariant *
get_properties (WsDBusMenu         *self,
                Item               *item,
                const char * const *names)
{
  g_auto(GVariantDict) all = G_VARIANT_DICT_INIT (NULL);
  GVariantBuilder filtered;

  collect_properties (self, item, &all);
  if (names == NULL || names[0] == NULL)
    return g_variant_dict_end (&all);

  g_variant_builder_init (&filtered, G_VARIANT_TYPE_VARDICT);
  for (gsize i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_variant_dict_lookup_value (&all, names[i], NULL);

      if (value == NULL)
        continue;
      g_variant_builder_add (&filtered, "{sv}", names[i], value);
      /* A name asked for twice is sent once. */
      g_variant_dict_remove (&all, names[i]);
    }
  return g_variant_builder_end (&filtered);
}

/* (ia{sv}av), @depth levels of children (all for a negative depth). */
static GVariant *
get_layout (WsDBusMenu         *self,
            Item               *item,
            int                 depth,
            const char * const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  for (guint i = 0; depth != 0 && item->children != NULL && i < item->children->len; i++)
    g_variant_builder_add (&children, "v",
                           get_layout (self, g_ptr_array_index (item->children, i),
                                       depth > 0 ? depth - 1 : depth, names));
  return g_variant_new ("(i@a{sv}av)", item->id, get_properties (self, item, names), &children);
}

/* Depth first, as in the layout. */
static void
add_all_properties (WsDBusMenu         *self,
                    Item               *item,
                    const char * const *names,
                    GVariantBuilder    *builder)
{
  g_variant_builder_add (builder, "(i@a{sv})", item->id, get_properties (self, item, names));
  for (guint i = 0; item->children != NULL && i < item->children->len; i++)
    add_all_properties (self, g_ptr_array_index (item->children, i), names, builder);
}

static void
emit_signal (WsDBusMenu *self,
             const char *name,
             GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;

  g_variant_ref_sink (parameters);
  if (self->connection != NULL &&
      !g_dbus_connection_emit_signal (self->connection, NULL, self->object_path,
                                      DBUS_MENU_INTERFACE, name, parameters, &error))
    g_debug ("Could not emit %s: %s", name, error->message);
  g_variant_unref (parameters);
}

static void
emit_properties_updated (WsDBusMenu *self)
{
  static const char * const toggle_props[] = { "toggle-type", "toggle-state", NULL };
  g_autoptr(GVariant) parameters = NULL;
  GVariantBuilder updated;
  GVariantBuilder removed;
  GHashTableIter iter;
  gboolean any = FALSE;
  Item *item;

  g_variant_builder_init (&updated, G_VARIANT_TYPE ("a(ia{sv})"));
  g_variant_builder_init (&removed, G_VARIANT_TYPE ("a(ias)"));
  g_hash_table_iter_init (&iter, ensure_items (self));
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      g_auto(GVariantDict) props = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(GVariant) target = NULL;
      g_autofree char *action = NULL;
      GMenuModel *model;
      int index;

      if (item->entry == NULL)
        continue;
      model = item->entry->parent->model;
      index = entry_get_index (item->entry);
      action = read_action (model, index, &target);
      if (action == NULL || !g_hash_table_contains (self->changed_actions, action))
        continue;

      add_action_properties (self, model, index, &props);
      /* A stateless (or removed) action leaves no toggle behind. */
      if (!g_variant_dict_contains (&props, "toggle-type"))
        g_variant_builder_add (&removed, "(i^as)", item->id, toggle_props);
      g_variant_builder_add (&updated, "(i@a{sv})", item->id, g_variant_dict_end (&props));
      any = TRUE;
    }
  g_hash_table_remove_all (self->changed_actions);
  parameters = g_variant_ref_sink (g_variant_new ("(a(ia{sv})a(ias))", &updated, &removed));
  if (any)
    emit_signal (self, "ItemsPropertiesUpdated", parameters);
}

static gboolean
emit_updates (gpointer data)
{
  WsDBusMenu *self = data;

  self->update_id = 0;
  if (self->layout_changed)
    {
      self->layout_changed = FALSE;
      /* Hosts read the whole layout again, properties included. */
      g_hash_table_remove_all (self->changed_actions);
      emit_signal (self, "LayoutUpdated", g_variant_new ("(ui)", self->revision, 0));
    }
  else if (g_hash_table_size (self->changed_actions) > 0)
    {
      emit_properties_updated (self);
    }
  return G_SOURCE_REMOVE;
}

/* D-Bus methods: each returns its reply, or NULL and sets @error. */

static GVariant *
unknown_id_error (int      id,
                  GError **error)
{
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "No menu item %d", id);
  return NULL;
}

static void
activate_item (WsDBusMenu *self,
               Item       *item)
{
  g_autoptr(GVariant) target = NULL;
  g_autofree char *action = NULL;

  if (item->entry == NULL)
    return;
  action = read_action (item->entry->parent->model, entry_get_index (item->entry), &target);
  if (query_action (self, action, target, NULL) != ACTION_ENABLED)
    return;
  /* @item may be gone after this: the handler may change the menu, or the
   * actions (hence the second check). */
  g_signal_emit (self, signals[SIGNAL_ACTIVATED], 0, action, target);
  if (query_action (self, action, target, NULL) == ACTION_ENABLED)
    g_action_group_activate_action (self->actions, action, target);
}

/* Whether @id is a menu item; any payload and timestamp is accepted (hosts
 * send int32 0, '' or others, and timestamp 0). */
static gboolean
handle_event (WsDBusMenu *self,
              int         id,
              const char *event_id)
{
  Item *item = lookup_item (self, id);

  if (item == NULL)
    return FALSE;
  if (g_str_equal (event_id, "clicked"))
    activate_item (self, item);
  else if (g_str_equal (event_id, "opened"))
    g_signal_emit (self, signals[SIGNAL_ABOUT_TO_SHOW], 0, id);
  else if (g_str_equal (event_id, "closed"))
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0, id);
  return TRUE;
}

static gboolean
handle_about_to_show (WsDBusMenu *self,
                      int         id)
{
  if (lookup_item (self, id) == NULL)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_ABOUT_TO_SHOW], 0, id);
  return TRUE;
}

static GVariant *
new_id_array (GArray *ids)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, ids->data, ids->len, sizeof (gint32));
}

static GVariant *
method_get_layout (WsDBusMenu  *self,
                   GVariant    *parameters,
                   GError     **error)
{
  g_autofree const char **names = NULL;
  int parent_id;
  int depth;
  Item *item;

  g_variant_get (parameters, "(ii^a&s)", &parent_id, &depth, &names);
  item = lookup_item (self, parent_id);
  if (item == NULL)
    return unknown_id_error (parent_id, error);
  return g_variant_new ("(u@(ia{sv}av))", self->revision, get_layout (self, item, depth, names));
}

static GVariant *
method_get_group_properties (WsDBusMenu  *self,
                             GVariant    *parameters,
                             GError     **error)
{
  g_autoptr(GVariant) ids = NULL;
  g_autofree const char **names = NULL;
  GVariantBuilder builder;
  const gint32 *id;
  gsize n_ids;

  g_variant_get (parameters, "(@ai^a&s)", &ids, &names);
  id = g_variant_get_fixed_array (ids, &n_ids, sizeof (gint32));
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ia{sv})"));
  if (n_ids == 0)
    add_all_properties (self, lookup_item (self, 0), names, &builder);
  /* Unknown ids are left out, as libdbusmenu does. */
  for (gsize i = 0; i < n_ids; i++)
    {
      Item *item = lookup_item (self, id[i]);

      if (item != NULL)
        g_variant_builder_add (&builder, "(i@a{sv})", item->id, get_properties (self, item, names));
    }
  return g_variant_new ("(a(ia{sv}))", &builder);
}

static GVariant *
method_get_property (WsDBusMenu  *self,
                     GVariant    *parameters,
                     GError     **error)
{
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) value = NULL;
  const char *name;
  Item *item;
  int id;

  g_variant_get (parameters, "(i&s)", &id, &name);
  item = lookup_item (self, id);
  if (item == NULL)
    return unknown_id_error (id, error);
  props = get_properties (self, item, (const char * const []) { name, NULL });
  value = g_variant_lookup_value (props, name, NULL);
  if (value == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                   "Menu item %d has no property %s", id, name);
      return NULL;
    }
  return g_variant_new ("(v)", value);
}

static GVariant *
method_event (WsDBusMenu  *self,
              GVariant    *parameters,
              GError     **error)
{
  const char *event_id;
  int id;

  g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
  if (!handle_event (self, id, event_id))
    return unknown_id_error (id, error);
  return g_variant_new ("()");
}

static GVariant *
method_event_group (WsDBusMenu  *self,
                    GVariant    *parameters,
                    GError     **error)
{
  g_autoptr(GVariantIter) events = NULL;
  g_autoptr(GArray) errors = g_array_new (FALSE, FALSE, sizeof (gint32));
  const char *event_id;
  gint32 id;

  g_variant_get (parameters, "(a(isvu))", &events);
  while (g_variant_iter_loop (events, "(i&svu)", &id, &event_id, NULL, NULL))
    if (!handle_event (self, id, event_id))
      g_array_append_val (errors, id);
  return g_variant_new ("(@ai)", new_id_array (errors));
}

static GVariant *
method_about_to_show (WsDBusMenu  *self,
                      GVariant    *parameters,
                      GError     **error)
{
  int id;

  g_variant_get (parameters, "(i)", &id);
  /* The menu is kept up to date ahead of time: changing it now would be
   * mis-sized by some hosts (waybar #1149). */
  if (!handle_about_to_show (self, id))
    return unknown_id_error (id, error);
  return g_variant_new ("(b)", FALSE);
}

static GVariant *
method_about_to_show_group (WsDBusMenu  *self,
                            GVariant    *parameters,
                            GError     **error)
{
  g_autoptr(GVariant) ids = NULL;
  g_autoptr(GArray) updates = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) errors = g_array_new (FALSE, FALSE, sizeof (gint32));
  const gint32 *id;
  gsize n_ids;

  g_variant_get (parameters, "(@ai)", &ids);
  id = g_variant_get_fixed_array (ids, &n_ids, sizeof (gint32));
  for (gsize i = 0; i < n_ids; i++)
    if (!handle_about_to_show (self, id[i]))
      g_array_append_val (errors, id[i]);
  return g_variant_new ("(@ai@ai)", new_id_array (updates), new_id_array (errors));
}

static const struct
{
  const char *name;
  GVariant *(*handle) (WsDBusMenu *, GVariant *, GError **);
} methods[] = {
  { "GetLayout", method_get_layout },
  { "GetGroupProperties", method_get_group_properties },
  { "GetProperty", method_get_property },
  { "Event", method_event },
  { "EventGroup", method_event_group },
  { "AboutToShow", method_about_to_show },
  { "AboutToShowGroup", method_about_to_show_group },
};

/* The in-arguments of @method as one tuple type, or NULL if no such method. */
static GVariantType *
method_in_type (const char *method_name)
{
  GDBusMethodInfo *method = g_dbus_interface_info_lookup_method (interface_info, method_name);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (method == NULL)
    return NULL;
  for (guint i = 0; method->in_args != NULL && method->in_args[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) G_VARIANT_TYPE (method->in_args[i]->signature));
  return g_variant_type_new_tuple ((const GVariantType * const *) args->pdata, args->len);
}

GVariant *
ws_dbus_menu_call (WsDBusMenu  *self,
                   const char  *method_name,
                   GVariant    *parameters,
                   GError     **error)
{
  g_autoptr(GVariantType) in_type = NULL;
  g_autoptr(GVariant) sunk = NULL;
  /* A signal handler may drop the last other reference. */
  g_autoptr(WsDBusMenu) keep = NULL;

  g_return_val_if_fail (WS_IS_DBUS_MENU (self), NULL);
  g_return_val_if_fail (method_name != NULL, NULL);
  g_return_val_if_fail (parameters != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sunk = g_variant_ref_sink (parameters);

  /* What GDBus checks against the introspection data before a call. */
  in_type = method_in_type (method_name);
  if (in_type == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                   "No such method %s", method_name);
      return NULL;
    }
  if (!g_variant_is_of_type (parameters, in_type))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                   "Type of message, “%s”, does not match the expected type “%.*s”",
                   g_variant_get_type_string (parameters),
                   (int) g_variant_type_get_string_length (in_type),
                   g_variant_type_peek_string (in_type));
      return NULL;
    }

  keep = g_object_ref (self);
  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (method_name, methods[i].name))
      {
        GVariant *reply = methods[i].handle (self, parameters, error);

        return reply != NULL ? g_variant_ref_sink (reply) : NULL;
      }
  /* Every method of the introspection data has a handler. */
  g_assert_not_reached ();
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = ws_dbus_menu_call (user_data, method_name, parameters, &error);

  if (reply == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, reply);
}

static const char *
text_direction (void)
{
  /* Translators: do not translate this string itself: write "default:RTL"
   * for a language written right to left, as in GTK's own translation. */
  return g_str_equal (_("default:LTR"), "default:RTL") ? "rtl" : "ltr";
}

static GVariant *
get_property (GDBusConnection  *connection,
              const char       *sender,
              const char       *object_path,
              const char       *interface_name,
              const char       *property_name,
              GError          **error,
              gpointer          user_data)
{
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "TextDirection"))
    return g_variant_new_string (text_direction ());
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);
  g_assert_not_reached ();
}

/* The object */

static void
ws_dbus_menu_dispose (GObject *object)
{
  WsDBusMenu *self = WS_DBUS_MENU (object);

  ws_dbus_menu_unexport (self);
  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->root, menu_node_free);
  for (gsize i = 0; i < G_N_ELEMENTS (self->action_handlers); i++)
    g_clear_signal_handler (&self->action_handlers[i], self->actions);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (ws_dbus_menu_parent_class)->dispose (object);
}

static void
ws_dbus_menu_finalize (GObject *object)
{
  WsDBusMenu *self = WS_DBUS_MENU (object);

  g_hash_table_unref (self->changed_actions);

  G_OBJECT_CLASS (ws_dbus_menu_parent_class)->finalize (object);
}

static void
ws_dbus_menu_class_init (WsDBusMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  g_autoptr(GDBusNodeInfo) node_info = g_dbus_node_info_new_for_xml (introspection_xml, NULL);

  object_class->dispose = ws_dbus_menu_dispose;
  object_class->finalize = ws_dbus_menu_finalize;

  interface_info = g_dbus_interface_info_ref (node_info->interfaces[0]);

  signals[SIGNAL_ABOUT_TO_SHOW] =
    g_signal_new ("about-to-show", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_ACTIVATED] =
    g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
}

static void
ws_dbus_menu_init (WsDBusMenu *self)
{
  self->revision = 1;
  self->changed_actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

WsDBusMenu *
ws_dbus_menu_new (GMenuModel   *model,
                  GActionGroup *actions)
{
  WsDBusMenu *self;

  g_return_val_if_fail (G_IS_MENU_MODEL (model), NULL);
  g_return_val_if_fail (actions == NULL || G_IS_ACTION_GROUP (actions), NULL);

  self = g_object_new (WS_TYPE_DBUS_MENU, NULL);
  self->root = menu_node_new (self, model);
  if (actions != NULL)
    {
      self->actions = g_object_ref (actions);
      self->action_handlers[0] = g_signal_connect (actions, "action-added",
                                                   G_CALLBACK (on_action_added_or_removed), self);
      self->action_handlers[1] = g_signal_connect (actions, "action-removed",
                                                   G_CALLBACK (on_action_added_or_removed), self);
      self->action_handlers[2] = g_signal_connect (actions, "action-enabled-changed",
                                                   G_CALLBACK (on_action_enabled_changed), self);
      self->action_handlers[3] = g_signal_connect (actions, "action-state-changed",
                                                   G_CALLBACK (on_action_state_changed), self);
    }
  return self;
}

gboolean
ws_dbus_menu_export (WsDBusMenu       *self,
                     GDBusConnection  *connection,
                     const char       *object_path,
                     GError          **error)
{
  static const GDBusInterfaceVTable vtable = { method_call, get_property, NULL };

  g_return_val_if_fail (WS_IS_DBUS_MENU (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (g_variant_is_object_path (object_path), FALSE);
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  self->registration_id = g_dbus_connection_register_object (connection, object_path,
                                                             interface_info, &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  self->object_path = g_strdup (object_path);
  return TRUE;
}

void
ws_dbus_menu_unexport (WsDBusMenu *self)
{
  g_return_if_fail (WS_IS_DBUS_MENU (self));

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
  g_clear_pointer (&self->object_path, g_free);
}

void
ws_dbus_menu_set_model (WsDBusMenu *self,
                        GMenuModel *model)
{
  g_return_if_fail (WS_IS_DBUS_MENU (self));
  g_return_if_fail (G_IS_MENU_MODEL (model));

  g_clear_pointer (&self->root, menu_node_free);
  self->root = menu_node_new (self, model);
  invalidate_layout (self);
}
