/* ws-aws-client.c — placeholder until implemented */
#include <glib.h>
