/* placeholder */
#include "ws-fake-aws.h"
