// Package yamlwrite writes a spec.Document as qsync configuration YAML, for `qsync export`: every
// object in the order of the kind tables, each field as the tables describe it, secrets only as
// references ({env: NAME}, with names from EnvNames that never collide), never a value. What it
// writes loads back (through package load) into the same Document. It does no I/O other than
// writing to an io.Writer.
package yamlwrite
