#!/bin/bash
# Make sure the Docker engine has the reference desktop oriel/desktop:1.0 (ensure-image.sh: cached, else built).
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-image.sh" oriel/desktop:1.0 build-workspace-image.sh desktop
