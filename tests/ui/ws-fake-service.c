/* ws-fake-service.c — a recording stand-in for the Windsock service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-fake-service.h"

struct _WsFakeService
{
  GApplication  parent_instance;

  GPtrArray    *calls;
  GVariant     *platform_data;
};

G_DEFINE_FINAL_TYPE (WsFakeService, ws_fake_service, G_TYPE_APPLICATION)

static void
on_activate (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  WsFakeService *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));

  g_ptr_array_add (self->calls, parameter != NULL
                   ? g_strdup_printf ("%s %s", name, g_variant_get_string (parameter, NULL))
                   : g_strdup (name));
}

/* Remote activations pass their platform data through here. */
static void
ws_fake_service_before_emit (GApplication *application,
                             GVariant     *platform_data)
{
  WsFakeService *self = WS_FAKE_SERVICE (application);

  g_clear_pointer (&self->platform_data, g_variant_unref);
  self->platform_data = g_variant_ref (platform_data);

  G_APPLICATION_CLASS (ws_fake_service_parent_class)->before_emit (application, platform_data);
}

static void
ws_fake_service_finalize (GObject *object)
{
  WsFakeService *self = WS_FAKE_SERVICE (object);

  g_ptr_array_unref (self->calls);
  g_clear_pointer (&self->platform_data, g_variant_unref);

  G_OBJECT_CLASS (ws_fake_service_parent_class)->finalize (object);
}

static void
ws_fake_service_class_init (WsFakeServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ws_fake_service_finalize;
  G_APPLICATION_CLASS (klass)->before_emit = ws_fake_service_before_emit;
}

static void
ws_fake_service_init (WsFakeService *self)
{
  const GActionEntry actions[] = {
    { "open-environment", on_activate, "s" },
    { "open-private-window", on_activate, "s" },
    { "copy-login-url", on_activate, "s" },
    { "sign-in", on_activate, "s" },
    { "refresh", on_activate },
    { "show-picker", on_activate },
    { "preferences", on_activate },
    { "quit", on_activate },
  };

  self->calls = g_ptr_array_new_with_free_func (g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}

WsFakeService *
ws_fake_service_new (void)
{
  g_autoptr(WsFakeService) self = g_object_new (WS_TYPE_FAKE_SERVICE,
                                                "application-id", "io.github.windsock.Windsock",
                                                "flags", G_APPLICATION_DEFAULT_FLAGS,
                                                NULL);
  g_autoptr(GError) error = NULL;

  g_application_register (G_APPLICATION (self), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (self)));
  return g_steal_pointer (&self);
}

GPtrArray *
ws_fake_service_get_calls (WsFakeService *self)
{
  return self->calls;
}

GVariant *
ws_fake_service_get_platform_data (WsFakeService *self)
{
  return self->platform_data;
}
