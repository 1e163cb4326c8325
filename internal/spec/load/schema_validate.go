package load

import (
	"github.com/qsync/qsync/internal/spec"
	"github.com/qsync/qsync/internal/spec/schemacheck"
)

// schemaValidator validates files against the schema GenerateSchema makes from the kind tables,
// never against the embedded schema/qsync.schema.json, which lags behind the tables until
// go generate runs. It compiles the parts of the schema a file needs, once per process.
var schemaValidator = schemacheck.New(spec.GenerateSchema)

// validateSchema validates one file's value against the schema, each error at its value's position.
// It stops after MaxFileProblems problems (see capPerFile).
func validateSchema(f *yamlFile) spec.Diagnostics {
	var ds spec.Diagnostics
	problems, err := schemaValidator.Validate(f.value, MaxFileProblems)
	if err != nil {
		ds.Errorf(f.pos(1, 1), "", "%v", err)
		return ds
	}
	for _, p := range problems {
		ds.Errorf(f.at(p.Path), p.Path, "%s", p.Message)
	}
	return ds
}
