#!/bin/bash
# Make sure the Docker engine has oriel/node-base:bookworm (ensure-image.sh: cached, else built).
exec bash "$(dirname "${BASH_SOURCE[0]}")/ensure-image.sh" oriel/node-base:bookworm build-node-base-image.sh node-base
