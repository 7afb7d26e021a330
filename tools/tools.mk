# Tooling targets (sanity, lint, docs, changelog, EE, AWX, packaging, matrix).
.PHONY: tools-test
tools-test:
	@echo "tools-test: nothing yet"
