# Epoxy's developer commands. `make help` lists them.
.PHONY: help test test/go test/compat bench lint generate verify build

help: ## list the targets
	@grep -E '^[a-z/]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# The two halves run side by side (the compat suite mostly waits on the AWS
# CLI's start-up and on job processes, the Go suite mostly computes), each
# one's output kept together.
test: ## run every test: Go (with -race) and the AWS CLI / boto3 compat suite
	$(MAKE) --no-print-directory -j2 --output-sync=target test/go test/compat

# Most end-to-end tests wait on python job processes, so four run at once
# on two cores; the timeout is for a machine under heavy load (the package
# default of 10 minutes fails a slow but correct run).
test/go: ## Go unit and integration tests, with the race detector (PostgreSQL ones need TEST_DATABASE_URL; .ci/run sets it)
	go test -race -count=1 -parallel 4 -timeout 30m ./...

test/compat: ## AWS CLI and boto3 against a real `epoxy serve`
	bash compat/run.sh

bench: ## Go benchmarks (not part of `make test`)
	go test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt, go vet and staticcheck
	test -z "$$(gofmt -l .)"
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

generate: ## regenerate the embedded Glue model subset from ../shared/aws-model
	go generate ./internal/model

verify: ## check the model subset is up to date, go.mod is tidy, migrations roll back and stored documents match their golden form
	go run ./internal/model/gen -model ../shared/aws-model/glue-service-2.json -out /tmp/epoxy-subset.json
	cmp /tmp/epoxy-subset.json internal/model/glue-subset.json
	go mod tidy -diff
	go test -count=1 -run 'TestMigrate_UpDownUp|TestDocuments_' ./internal/store/sqlite ./internal/store/postgres

build: ## build ./epoxy
	go build -o epoxy ./cmd/epoxy
