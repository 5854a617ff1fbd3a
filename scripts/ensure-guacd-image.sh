#!/bin/bash
# Make sure the Docker engine has the tests' guacd, oriel/guacd-test:bullseye (ensure-image.sh: cached, else built).
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-image.sh" oriel/guacd-test:bullseye build-guacd-image.sh guacd
