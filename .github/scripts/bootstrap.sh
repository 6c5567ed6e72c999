#!/usr/bin/env bash
# The first deploy of a new stack, from a GitHub-hosted runner: creates only what the targets file names
# (the network and the in-VPC runner, with what they depend on), then checks that the runner's CodeBuild
# project now exists, so that the rest of the deploy can run inside the VPC.
#
# There is deliberately no --target-dependents: almost everything in the stack depends on the network, so
# it would pull in the cluster and its Kubernetes objects, which a hosted runner cannot reach.
#
# Usage: bootstrap.sh <org>/<stack> <targets file> <CodeBuild project> [policy pack config]
# Needs: pulumi (logged in), aws (credentials).
set -euo pipefail

stack="${1:?usage: bootstrap.sh <org>/<stack> <targets file> <CodeBuild project> [policy pack config]}"
targets_file="${2:?targets file}"
project="${3:?CodeBuild project}"
policy_config="${4:-}"

targets=()
while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="$(echo "$line" | tr -d '[:space:]')"
    [ -n "$line" ] && targets+=("$line")
done < "$targets_file"
if [ "${#targets[@]}" -eq 0 ]; then
    echo "::error::$targets_file names no targets: the bootstrap would create nothing."
    exit 1
fi

args=(--yes --non-interactive --stack "$stack" --policy-pack policies)
if [ -n "$policy_config" ]; then
    args+=(--policy-pack-config "$policy_config")
fi
for target in "${targets[@]}"; do
    args+=(--target "$target")
done
echo "pulumi up ${args[*]}"
pulumi up "${args[@]}"

found="$(aws codebuild batch-get-projects --names "$project" --query 'projects[0].name' --output text)"
if [ "$found" != "$project" ]; then
    echo "::error::The bootstrap of $stack finished, but there is no CodeBuild project $project for the rest of the deploy to run on." \
        "Set platform:ci in the stack's file so that the program creates it under that name (the name CI_RUNNER_PROJECTS gives)," \
        "and make sure $targets_file names the runner's component."
    exit 1
fi
echo "In-VPC runner $project is ready."
