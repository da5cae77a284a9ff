/* ws-aws-config.c — ~/.aws/config and ~/.aws/credentials, parsed as the AWS SDKs do
 *
 * A hand-written parser following the cross-SDK profile file rules (the
 * shared test suite in tests/data/aws-sdk-config-tests/). GKeyFile is not
 * used: it rejects ';' comments and continuation lines, flattens indented
 * sub-properties and interprets backslash escapes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "ws-aws-config.h"
#include "ws-aws-error.h"
#include "ws-secret.h"

/* Real files are a few KiB; anything this big is a mistake, not a config. */
#define MAX_FILE_SIZE (10 * 1024 * 1024)

typedef enum
{
  FILE_KIND_CONFIG,
  FILE_KIND_CREDENTIALS,
} FileKind;

/* A piece of the parsed text, not NUL-terminated. */
typedef struct
{
  const char *str;
  gsize       len;
} Span;

typedef struct
{
  char       *value;       /* continuation lines joined with '\n' */
  GHashTable *sub_values;  /* lower-case sub-key → rest of the line; NULL unless "key =" */
} Property;

/* What one file holds; a section is a GHashTable of lower-case key → Property. */
typedef struct
{
  GHashTable *profiles;
  GPtrArray  *profile_names;  /* file order, each once */
  GHashTable *sso_sessions;
  GHashTable *services;
  GHashTable *plain_default;  /* config "[default]": loses to "[profile default]" */
} Tables;

typedef struct
{
  FileKind    kind;
  const char *file_name;
  guint       line_number;
  Tables     *tables;
  gboolean    in_section;
  GHashTable *section;        /* NULL while in an ignored section */
  char       *key;            /* the property being read */
  GArray     *value_lines;    /* of Span */
  GHashTable *sub_values;     /* non-NULL after "key =" with an empty value */
} Parser;

struct _WsAwsConfig
{
  GObject  parent_instance;
  Tables  *tables;
};

G_DEFINE_FINAL_TYPE (WsAwsConfig, ws_aws_config, G_TYPE_OBJECT)

static void
property_free (gpointer data)
{
  Property *property = data;

  ws_secret_free (property->value);
  g_clear_pointer (&property->sub_values, g_hash_table_unref);
  g_free (property);
}

static GHashTable *
section_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, property_free);
}

static GHashTable *
sections_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_hash_table_unref);
}

static GHashTable *
sub_values_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ws_secret_free);
}

static Tables *
tables_new (void)
{
  Tables *tables = g_new0 (Tables, 1);

  tables->profiles = sections_new ();
  tables->profile_names = g_ptr_array_new_with_free_func (g_free);
  tables->sso_sessions = sections_new ();
  tables->services = sections_new ();

  return tables;
}

static void
tables_free (Tables *tables)
{
  g_clear_pointer (&tables->profiles, g_hash_table_unref);
  g_clear_pointer (&tables->profile_names, g_ptr_array_unref);
  g_clear_pointer (&tables->sso_sessions, g_hash_table_unref);
  g_clear_pointer (&tables->services, g_hash_table_unref);
  g_clear_pointer (&tables->plain_default, g_hash_table_unref);
  g_free (tables);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tables, tables_free)

/* The format's whitespace is only space and tab. */
static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static inline gboolean
is_comment (char c)
{
  return c == '#' || c == ';';
}

static Span
span_trim (Span span)
{
  while (span.len > 0 && is_blank (span.str[0]))
    {
      span.str++;
      span.len--;
    }
  while (span.len > 0 && is_blank (span.str[span.len - 1]))
    span.len--;

  return span;
}

static gboolean
span_equal (Span        span,
            const char *str)
{
  return span.len == strlen (str) && memcmp (span.str, str, span.len) == 0;
}

/* Trims @span and cuts a trailing comment. In property values a comment
 * must follow whitespace ("value;x" keeps its ';'); in section headers it
 * may be adjacent ("[profile foo]# x"). */
static Span
span_strip_comment (Span     span,
                    gboolean comment_needs_blank)
{
  span = span_trim (span);

  for (gsize i = 0; i < span.len; i++)
    {
      if (is_comment (span.str[i]) &&
          (!comment_needs_blank || (i > 0 && g_ascii_isspace (span.str[i - 1]))))
        {
          span.len = i;
          break;
        }
    }

  return span_trim (span);
}

/* Profile, sso-session and property names: letters, digits, - / . % @ _ : + */
static gboolean
is_identifier (Span span)
{
  if (span.len == 0)
    return FALSE;

  for (gsize i = 0; i < span.len; i++)
    {
      if (!g_ascii_isalnum (span.str[i]) && strchr ("-/.%@_:+", span.str[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* "profile foo" → "foo" when @span is @prefix, whitespace, a name. */
static gboolean
span_strip_prefix (Span        span,
                   const char *prefix,
                   Span       *name)
{
  gsize prefix_len = strlen (prefix);

  if (span.len <= prefix_len ||
      memcmp (span.str, prefix, prefix_len) != 0 ||
      !is_blank (span.str[prefix_len]))
    return FALSE;

  name->str = span.str + prefix_len;
  name->len = span.len - prefix_len;
  *name = span_trim (*name);

  return TRUE;
}

static GHashTable *
sections_ensure (GHashTable *sections,
                 Span        name,
                 GPtrArray  *names)
{
  g_autofree char *key = g_strndup (name.str, name.len);
  GHashTable *section = g_hash_table_lookup (sections, key);

  if (section == NULL)
    {
      section = section_new ();
      if (names != NULL)
        g_ptr_array_add (names, g_strdup (key));
      g_hash_table_insert (sections, g_steal_pointer (&key), section);
    }

  return section;
}

/* "[default]" and "[profile default]" are one name, listed where the first is. */
static void
tables_list_default (Tables *tables)
{
  if (tables->plain_default == NULL && !g_hash_table_contains (tables->profiles, "default"))
    g_ptr_array_add (tables->profile_names, g_strdup ("default"));
}

/* Where the properties of a section header go, or %NULL to ignore them. */
static GHashTable *
section_for_header (Parser *parser,
                    Span    header)
{
  Tables *tables = parser->tables;
  Span name;

  if (parser->kind == FILE_KIND_CREDENTIALS)
    return is_identifier (header) ? sections_ensure (tables->profiles, header, tables->profile_names) : NULL;

  if (span_equal (header, "default"))
    {
      tables_list_default (tables);
      if (tables->plain_default == NULL)
        tables->plain_default = section_new ();
      return tables->plain_default;
    }

  if (span_strip_prefix (header, "profile", &name) && is_identifier (name))
    {
      if (!span_equal (name, "default"))
        return sections_ensure (tables->profiles, name, tables->profile_names);

      tables_list_default (tables);
      return sections_ensure (tables->profiles, name, NULL);
    }

  if (span_strip_prefix (header, "sso-session", &name) && is_identifier (name))
    return sections_ensure (tables->sso_sessions, name, NULL);

  if (span_strip_prefix (header, "services", &name) && is_identifier (name))
    return sections_ensure (tables->services, name, NULL);

  /* Config sections without a known prefix are not profiles. */
  return NULL;
}

static gboolean
parser_error (Parser      *parser,
              GError     **error,
              const char  *why)
{
  /* Translators: a file name, a line number, then why the line is wrong */
  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG, _("%s, line %u: %s"),
               parser->file_name, parser->line_number, why);
  return FALSE;
}

static char *
join_lines (GArray *lines)
{
  gsize total = 0;
  char *value;
  char *p;

  /* Each line's length, plus one for its '\n' or the final NUL. */
  for (guint i = 0; i < lines->len; i++)
    total += g_array_index (lines, Span, i).len + 1;

  g_assert (lines->len > 0);
  value = p = g_malloc (total);
  for (guint i = 0; i < lines->len; i++)
    {
      const Span *line = &g_array_index (lines, Span, i);

      if (i > 0)
        *p++ = '\n';
      memcpy (p, line->str, line->len);
      p += line->len;
    }
  *p = '\0';

  return value;
}

/* Stores the property read so far (the last duplicate wins). */
static void
parser_flush_property (Parser *parser)
{
  g_autofree char *key = g_steal_pointer (&parser->key);
  g_autoptr(GHashTable) sub_values = g_steal_pointer (&parser->sub_values);
  Property *property;

  if (key == NULL)
    return;

  if (parser->section != NULL && is_identifier ((Span) { key, strlen (key) }))
    {
      property = g_new0 (Property, 1);
      property->value = join_lines (parser->value_lines);
      property->sub_values = g_steal_pointer (&sub_values);
      g_hash_table_replace (parser->section, g_steal_pointer (&key), property);
    }

  g_array_set_size (parser->value_lines, 0);
}

typedef enum
{
  PROPERTY_OK,
  PROPERTY_NO_EQUALS,
  PROPERTY_NO_NAME,
} PropertyStatus;

/* Splits "key = value", cutting a trailing comment unless @value_keeps_comment:
 * a sub-property's value, like any continuation line, keeps it. */
static PropertyStatus
split_property (Span      line,
                gboolean  value_keeps_comment,
                Span     *key,
                Span     *value)
{
  Span stripped = span_strip_comment (line, TRUE);
  const char *equals = memchr (stripped.str, '=', stripped.len);
  const char *end;

  if (equals == NULL)
    return PROPERTY_NO_EQUALS;

  end = value_keeps_comment ? line.str + line.len : stripped.str + stripped.len;
  *key = span_trim ((Span) { stripped.str, equals - stripped.str });
  *value = span_trim ((Span) { equals + 1, end - equals - 1 });

  return key->len == 0 ? PROPERTY_NO_NAME : PROPERTY_OK;
}

static gboolean
parser_read_header (Parser   *parser,
                    Span      line,
                    GError  **error)
{
  line = span_strip_comment (line, FALSE);
  if (line.len < 2 || line.str[line.len - 1] != ']')
    return parser_error (parser, error,
                         _("Profile definition must end with ']'; close the section name with ']'."));

  parser->in_section = TRUE;
  parser->section = section_for_header (parser, span_trim ((Span) { line.str + 1, line.len - 2 }));

  return TRUE;
}

static gboolean
parser_read_property (Parser   *parser,
                      Span      line,
                      GError  **error)
{
  Span key, value;

  if (!parser->in_section)
    return parser_error (parser, error,
                         _("Expected a profile definition such as “[profile NAME]” before this line."));

  switch (split_property (line, FALSE, &key, &value))
    {
    case PROPERTY_NO_EQUALS:
      return parser_error (parser, error,
                           _("Expected an '=' sign defining a property; write it as “key = value”."));
    case PROPERTY_NO_NAME:
      return parser_error (parser, error,
                           _("Property did not have a name; write it as “key = value”."));
    case PROPERTY_OK:
    default:
      break;
    }

  parser->key = g_ascii_strdown (key.str, (gssize) key.len);
  g_array_append_val (parser->value_lines, value);
  /* "s3 =" followed by indented "key = value" lines opens sub-properties. */
  if (value.len == 0)
    parser->sub_values = sub_values_new ();

  return TRUE;
}

static gboolean
parser_read_continuation (Parser   *parser,
                          Span      line,
                          GError  **error)
{
  Span key, value;

  if (!parser->in_section)
    return parser_error (parser, error,
                         _("Expected a profile definition such as “[profile NAME]” before this indented line."));

  if (parser->key == NULL)
    return parser_error (parser, error,
                         _("Expected a property definition, found continuation; remove the indentation."));

  if (parser->sub_values != NULL)
    {
      switch (split_property (line, TRUE, &key, &value))
        {
        case PROPERTY_NO_EQUALS:
          return parser_error (parser, error,
                               _("Expected an '=' sign defining a sub-property; write it as “key = value”."));
        case PROPERTY_NO_NAME:
          return parser_error (parser, error,
                               _("Sub-property did not have a name; write it as “key = value”."));
        case PROPERTY_OK:
        default:
          g_hash_table_replace (parser->sub_values,
                                g_ascii_strdown (key.str, (gssize) key.len),
                                g_strndup (value.str, value.len));
          break;
        }
    }

  /* The raw value keeps the continuation, comments included. */
  line = span_trim (line);
  g_array_append_val (parser->value_lines, line);

  return TRUE;
}

static gboolean
parser_read_line (Parser   *parser,
                  Span      line,
                  GError  **error)
{
  if (span_trim (line).len == 0 || is_comment (line.str[0]))
    return TRUE;

  if (!g_utf8_validate_len (line.str, line.len, NULL))
    return parser_error (parser, error,
                         _("The text is not valid UTF-8; save the file as UTF-8."));

  if (line.str[0] == '[')
    {
      parser_flush_property (parser);
      return parser_read_header (parser, line, error);
    }

  if (is_blank (line.str[0]))
    return parser_read_continuation (parser, line, error);

  parser_flush_property (parser);
  return parser_read_property (parser, line, error);
}

/* Keeps "[profile default]" over "[default]" whichever came first. */
static void
tables_resolve_default (Tables *tables)
{
  if (tables->plain_default == NULL)
    return;

  if (!g_hash_table_contains (tables->profiles, "default"))
    g_hash_table_insert (tables->profiles, g_strdup ("default"),
                         g_steal_pointer (&tables->plain_default));
  g_clear_pointer (&tables->plain_default, g_hash_table_unref);
}

/* Pure: the text of one file → its tables. */
static Tables *
parse_text (const char  *text,
            FileKind     kind,
            const char  *file_name,
            GError     **error)
{
  g_autoptr(Tables) tables = tables_new ();
  g_autoptr(GArray) value_lines = g_array_new (FALSE, FALSE, sizeof (Span));
  Parser parser = {
    .kind = kind,
    .file_name = file_name,
    .tables = tables,
    .value_lines = value_lines,
  };
  const char *p = text;
  gboolean ok = TRUE;

  while (ok && *p != '\0')
    {
      const char *newline = strchr (p, '\n');
      Span line = { p, newline != NULL ? (gsize) (newline - p) : strlen (p) };

      if (line.len > 0 && line.str[line.len - 1] == '\r')
        line.len--;

      parser.line_number++;
      ok = parser_read_line (&parser, line, error);
      p = newline != NULL ? newline + 1 : line.str + strlen (line.str);
    }

  if (ok)
    parser_flush_property (&parser);
  g_clear_pointer (&parser.key, g_free);
  g_clear_pointer (&parser.sub_values, g_hash_table_unref);

  if (!ok)
    return NULL;

  tables_resolve_default (tables);
  return g_steal_pointer (&tables);
}

/* Profiles of the credentials file join the config's; their keys win. */
static void
tables_merge (Tables *into,
              Tables *from)
{
  for (guint i = 0; i < from->profile_names->len; i++)
    {
      const char *name = g_ptr_array_index (from->profile_names, i);
      GHashTable *from_section = g_hash_table_lookup (from->profiles, name);
      GHashTable *into_section = g_hash_table_lookup (into->profiles, name);
      GHashTableIter iter;
      gpointer key, value;

      if (into_section == NULL)
        {
          g_ptr_array_add (into->profile_names, g_strdup (name));
          g_hash_table_insert (into->profiles, g_strdup (name),
                               g_hash_table_ref (from_section));
          continue;
        }

      g_hash_table_iter_init (&iter, from_section);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_replace (into_section, key, value);
        }
    }
}

static void
ws_aws_config_finalize (GObject *object)
{
  WsAwsConfig *self = (WsAwsConfig *) object;

  g_clear_pointer (&self->tables, tables_free);

  G_OBJECT_CLASS (ws_aws_config_parent_class)->finalize (object);
}

static void
ws_aws_config_class_init (WsAwsConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_aws_config_finalize;
}

static void
ws_aws_config_init (WsAwsConfig *self)
{
}

WsAwsConfig *
ws_aws_config_new_from_data (const char  *config_text,
                             const char  *config_name,
                             const char  *credentials_text,
                             const char  *credentials_name,
                             GError     **error)
{
  g_autoptr(Tables) config = NULL;
  g_autoptr(Tables) credentials = NULL;
  WsAwsConfig *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  config = parse_text (config_text != NULL ? config_text : "", FILE_KIND_CONFIG,
                       config_name != NULL ? config_name : "config", error);
  if (config == NULL)
    return NULL;

  credentials = parse_text (credentials_text != NULL ? credentials_text : "", FILE_KIND_CREDENTIALS,
                            credentials_name != NULL ? credentials_name : "credentials", error);
  if (credentials == NULL)
    return NULL;

  tables_merge (config, credentials);

  self = g_object_new (WS_TYPE_AWS_CONFIG, NULL);
  self->tables = g_steal_pointer (&config);

  return self;
}

/* The home directory as @envp says, else as the password database says. */
const char *
ws_aws_config_getenv (const char * const *environ,
                      const char         *name)
{
  const char *value = g_environ_getenv ((char **) environ, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static char *
home_dir (const char * const *envp)
{
  const char *home = ws_aws_config_getenv (envp, "HOME");
  struct passwd entry, *result = NULL;
  char buffer[4096];

  if (home != NULL)
    return g_strdup (home);

  if (getpwuid_r (getuid (), &entry, buffer, sizeof buffer, &result) == 0 &&
      result != NULL && result->pw_dir != NULL)
    return g_strdup (result->pw_dir);

  return g_strdup (g_get_home_dir ());
}

char *
ws_aws_config_resolve_file_path (const char * const *envp,
                                 gboolean            credentials)
{
  const char *path = ws_aws_config_getenv (envp, credentials ? "AWS_SHARED_CREDENTIALS_FILE"
                                                            : "AWS_CONFIG_FILE");
  g_autofree char *home = home_dir (envp);

  if (path == NULL)
    return g_build_filename (home, ".aws", credentials ? "credentials" : "config", NULL);

  /* Like the SDKs, only a leading "~" or "~/" means the home directory. */
  if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
    return g_build_filename (home, path + 1, NULL);

  return g_strdup (path);
}

const char *
ws_aws_config_get_default_profile_name (const char * const *envp)
{
  static const char * const variables[] = { "AWS_PROFILE", "AWS_DEFAULT_PROFILE" };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      const char *name = ws_aws_config_getenv (envp, variables[i]);

      if (name != NULL)
        return name;
    }

  return "default";
}

static gboolean
read_error (const char  *path,
            const char  *why,
            GError     **error)
{
  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
               /* Translators: a file name, then why it cannot be used */
               _("Could not read the AWS config file “%s” (%s); check that it names a readable text file."),
               path, why);
  return FALSE;
}

/* Reads at most MAX_FILE_SIZE + 1 bytes, so that a huge file (or an endless
 * device) is refused without being loaded. */
static gboolean
read_fd (int          fd,
         const char  *path,
         GByteArray  *bytes,
         GError     **error)
{
  guint8 buffer[16384];
  gssize n;

  while (bytes->len <= MAX_FILE_SIZE)
    {
      n = read (fd, buffer, MIN (sizeof buffer, MAX_FILE_SIZE + 1 - bytes->len));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return read_error (path, g_strerror (errno), error);
      if (n == 0)
        break;
      g_byte_array_append (bytes, buffer, n);
    }
  ws_secret_wipe (buffer, sizeof buffer);

  if (bytes->len > MAX_FILE_SIZE)
    return read_error (path, _("larger than 10 MiB"), error);

  /* An empty device (/dev/null) leaves data NULL, which memchr () must not see. */
  if (bytes->len > 0 && memchr (bytes->data, '\0', bytes->len) != NULL)
    return read_error (path, _("binary data, not text"), error);

  return TRUE;
}

/* Reads @path whole; a missing file reads as %NULL, which is no error. */
static gboolean
read_config_file (const char  *path,
                  char       **contents,
                  GError     **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  gboolean ok;
  int fd;

  *contents = NULL;

  /* O_NONBLOCK: opening a FIFO nobody writes to would wait forever; once
   * open, reads wait for a writer that is there (AWS_CONFIG_FILE=<(…)). */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0 && errno == ENOENT && g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return read_error (path, _("a symbolic link to a file that does not exist"), error);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
    return TRUE;
  if (fd < 0)
    return read_error (path, g_strerror (errno), error);
  if (!g_unix_set_fd_nonblocking (fd, FALSE, &local_error))
    {
      g_close (fd, NULL);
      return read_error (path, local_error->message, error);
    }

  /* Sized up front: a growing array would leave copies of the secrets behind. */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    bytes = g_byte_array_sized_new (MIN (st.st_size, MAX_FILE_SIZE) + 1);
  else
    bytes = g_byte_array_new ();

  ok = read_fd (fd, path, bytes, error);
  g_close (fd, NULL);

  if (ok)
    {
      g_byte_array_append (bytes, (const guint8 *) "", 1);
      *contents = (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
    }
  else
    ws_secret_wipe (bytes->data, bytes->len);

  return ok;
}

WsAwsConfig *
ws_aws_config_load (const char * const  *envp,
                    GError             **error)
{
  g_autofree char *config_path = ws_aws_config_resolve_file_path (envp, FALSE);
  g_autofree char *credentials_path = ws_aws_config_resolve_file_path (envp, TRUE);
  char *config_text = NULL;
  char *credentials_text = NULL;
  WsAwsConfig *self = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (read_config_file (config_path, &config_text, error) &&
      read_config_file (credentials_path, &credentials_text, error))
    self = ws_aws_config_new_from_data (config_text, config_path,
                                        credentials_text, credentials_path,
                                        error);

  /* The files hold secret keys; they have no NUL inside, so strlen () is their length. */
  ws_secret_free (config_text);
  ws_secret_free (credentials_text);

  return self;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GStrv
strv_from_keys (GHashTable *table)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree const char **keys = NULL;
  guint n_keys = 0;

  if (table == NULL)
    return g_strv_builder_end (builder);

  keys = (const char **) g_hash_table_get_keys_as_array (table, &n_keys);
  g_qsort_with_data (keys, n_keys, sizeof (char *), compare_strings, NULL);
  g_strv_builder_addv (builder, keys);

  return g_strv_builder_end (builder);
}

GStrv
ws_aws_config_get_profile_names (WsAwsConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);

  for (guint i = 0; i < self->tables->profile_names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->tables->profile_names, i));

  return g_strv_builder_end (builder);
}

gboolean
ws_aws_config_has_profile (WsAwsConfig *self,
                           const char  *profile)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  return g_hash_table_contains (self->tables->profiles, profile);
}

static Property *
lookup_property (GHashTable *sections,
                 const char *section_name,
                 const char *key)
{
  GHashTable *section = g_hash_table_lookup (sections, section_name);
  g_autofree char *lower_key = NULL;

  if (section == NULL)
    return NULL;

  lower_key = g_ascii_strdown (key, -1);
  return g_hash_table_lookup (section, lower_key);
}

static const char *
property_get_sub_value (Property   *property,
                        const char *sub_key)
{
  g_autofree char *lower_key = NULL;

  if (property == NULL || property->sub_values == NULL)
    return NULL;

  lower_key = g_ascii_strdown (sub_key, -1);
  return g_hash_table_lookup (property->sub_values, lower_key);
}

const char *
ws_aws_config_get_profile_value (WsAwsConfig *self,
                                 const char  *profile,
                                 const char  *key)
{
  Property *property;

  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  property = lookup_property (self->tables->profiles, profile, key);
  return property != NULL ? property->value : NULL;
}

const char *
ws_aws_config_get_profile_setting (WsAwsConfig *self,
                                   const char  *profile,
                                   const char  *key)
{
  const char *value;

  if (self == NULL)
    return NULL;

  value = ws_aws_config_get_profile_value (self, profile, key);
  return value != NULL && *value != '\0' ? value : NULL;
}

const char *
ws_aws_config_get_profile_sub_value (WsAwsConfig *self,
                                     const char  *profile,
                                     const char  *key,
                                     const char  *sub_key)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (sub_key != NULL, NULL);

  return property_get_sub_value (lookup_property (self->tables->profiles, profile, key), sub_key);
}

gboolean
ws_aws_config_has_sso_session (WsAwsConfig *self,
                               const char  *session)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  return g_hash_table_contains (self->tables->sso_sessions, session);
}

const char *
ws_aws_config_get_sso_session_value (WsAwsConfig *self,
                                     const char  *session,
                                     const char  *key)
{
  Property *property;

  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  property = lookup_property (self->tables->sso_sessions, session, key);
  return property != NULL ? property->value : NULL;
}

const char *
ws_aws_config_get_services_value (WsAwsConfig *self,
                                  const char  *services_name,
                                  const char  *service,
                                  const char  *key)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (services_name != NULL, NULL);
  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return property_get_sub_value (lookup_property (self->tables->services, services_name, service), key);
}

GStrv
ws_aws_config_get_profile_keys (WsAwsConfig *self,
                                const char  *profile)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return strv_from_keys (g_hash_table_lookup (self->tables->profiles, profile));
}

GStrv
ws_aws_config_get_sso_session_names (WsAwsConfig *self)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);

  return strv_from_keys (self->tables->sso_sessions);
}

GStrv
ws_aws_config_get_sso_session_keys (WsAwsConfig *self,
                                    const char  *session)
{
  g_return_val_if_fail (WS_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  return strv_from_keys (g_hash_table_lookup (self->tables->sso_sessions, session));
}

const char *
ws_aws_config_request_profile (const char * const *environ,
                               const char         *profile)
{
  if (profile == NULL || g_strcmp0 (profile, ws_aws_config_get_default_profile_name (environ)) == 0)
    return NULL;
  return profile;
}
