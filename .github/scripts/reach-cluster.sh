#!/usr/bin/env bash
# Fails within seconds, saying why, when this runner cannot reach the stack's EKS API endpoint, instead of
# letting pulumi wait on Kubernetes and Helm calls until the job times out. The endpoint is private in every
# shipped stack, so only a runner inside the stack's VPC (its CodeBuild project) reaches it.
#
# Usage: reach-cluster.sh <org>/<stack>
# Needs: pulumi (logged in), aws (credentials), curl. REACH_TIMEOUT_SECONDS defaults to 10.
set -euo pipefail

stack="${1:?usage: reach-cluster.sh <org>/<stack>}"
timeout="${REACH_TIMEOUT_SECONDS:-10}"

if ! outputs="$(pulumi stack output --json --stack "$stack")"; then
    echo "::error::Cannot read the outputs of stack $stack (is PULUMI_ACCESS_TOKEN set for this environment?)"
    exit 1
fi
cluster="$(node -e 'const o = JSON.parse(process.argv[1] || "{}"); process.stdout.write(typeof o.clusterName === "string" ? o.clusterName : "")' "$outputs")"
if [ -z "$cluster" ]; then
    echo "::notice::Stack $stack has no cluster yet (its first deploy creates it): nothing to reach."
    exit 0
fi

endpoint="$(aws eks describe-cluster --name "$cluster" --query cluster.endpoint --output text \
    --cli-connect-timeout "$timeout" --cli-read-timeout "$timeout")"

# Any HTTP answer, 401 and 403 included, proves the network path; only a failed connection or no answer
# within the timeout means this runner is outside the endpoint's reach.
status=0
code="$(curl --silent --insecure --output /dev/null --write-out '%{http_code}' \
    --connect-timeout "$timeout" --max-time "$((timeout * 2))" "$endpoint/livez")" || status=$?
if [ "$status" -ne 0 ] || [ "$code" = "000" ]; then
    echo "::error::Cannot reach the API endpoint of cluster $cluster ($endpoint) from this runner within ${timeout}s (curl exit $status)." \
        "The endpoint is private: run this job on the stack's in-VPC runner (runs-on: codebuild-<project>-\${{ github.run_id }}-\${{ github.run_attempt }})" \
        "and check that the runner's security group may reach the cluster's on 443."
    exit 1
fi
echo "Cluster $cluster answers at $endpoint (HTTP $code)."
