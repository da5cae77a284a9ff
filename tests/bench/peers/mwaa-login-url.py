#!/usr/bin/env python3
# mwaa-login-url.py — the Airflow UI's login address with boto3, as the
# Amazon MWAA user guide shows it ("Creating an Apache Airflow web login
# token"): one CreateWebLoginToken, the address printed. The side-by-side
# benchmark runs it as a whole process next to `windsock url`. Debian 12's
# botocore (1.29) predates AWS_ENDPOINT_URL, so the script passes it on
# itself, as the benchmark's only addition.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys

import boto3


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mwaa-login-url.py ENVIRONMENT")
    client = boto3.client("mwaa", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    token = client.create_web_login_token(Name=sys.argv[1])
    print(f"https://{token['WebServerHostname']}/aws_mwaa/aws-console-sso?login=true#{token['WebToken']}")


if __name__ == "__main__":
    main()
