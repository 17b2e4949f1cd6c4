"""The firm benchmark reports (issue 27): one short confidential report per firm, its answers beside its
district's distribution under the disclosure policy. `benchmarks` computes the districts' figures once;
`page` writes one firm's page in one language; `runner.firm_reports` fans the pages out (one kernel or
process renders many firms; or a Dask cluster) and names each file by an opaque key. Words: ``firm.po``.
This report kind is not linked by the index and has no entry point there."""
from .benchmark import Benchmarks, District, benchmarks, measures, position
from .page import adopters_text, certifications_table, channels_table, page, practices_table

__all__ = ["Benchmarks", "District", "adopters_text", "benchmarks", "certifications_table", "channels_table",
           "measures", "page", "position", "practices_table"]
