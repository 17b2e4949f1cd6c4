from pathlib import Path

import pytest

from cooperate_analysis.data import codebook as codebook_module
from cooperate_analysis.data.codebook import LANGS, TYPES, load_codebook, package_yaml


def test_every_variable_is_labelled_in_both_languages_and_typed():
    cb = load_codebook()
    assert len(cb.names) == len(set(cb.names))
    for v in cb.variables:
        assert v.type in TYPES
        assert all(v.labels[lang].strip() for lang in LANGS), v.name


def test_groupings_refer_to_declared_dimensions_and_scales():
    cb = load_codebook()
    assert {v.dimension for v in cb.variables if v.dimension} == set(cb.csr_dimensions)
    assert {v.scale for v in cb.variables if v.scale} == set(cb.outcome_scales)
    assert all(len(items) >= 3 for items in cb.items_by_scale().values())
    assert all(len(items) >= 3 for items in cb.practices_by_dimension().values())


def test_district_ids_are_the_design_ids():
    assert load_codebook().district_ids == [
        "capannori_paper", "empolese_valdelsa_clothing", "santa_croce_tanning"]


def test_size_classes_are_contiguous_eu_classes():
    cb = load_codebook()
    specs = list(cb.size_classes.values())
    assert specs[0]["min"] == 0
    for lower, upper in zip(specs, specs[1:]):
        assert upper["min"] == lower["max"] + 1
    assert [cb.size_class(e) for e in (0, 9, 10, 49, 50, 249, 250)] == [
        "micro", "micro", "small", "small", "medium", "medium", "large"]


def test_labels_follow_language():
    cb = load_codebook()
    assert cb.label("santa_croce_tanning", "it").startswith("Distretto conciario")
    assert cb.label("out_reputation", "en") == "Reputation and image"


def test_names_of_districts_dimensions_scales_and_size_classes_do_not_collide():
    cb = load_codebook()
    keys = [*cb.districts, *cb.csr_dimensions, *cb.outcome_scales, *cb.size_classes]
    assert len(keys) == len(set(keys))
    assert not set(keys) & set(cb.names)


# --- version 2 (issue 16) ----------------------------------------------------------------------

def test_version_2_blocks_are_labelled_sourced_and_cover_every_variable():
    cb = load_codebook()
    assert cb.version == 2
    assert set(cb.blocks) >= {"profile", "practices", "certifications", "outcomes", "awareness", "cert_status",
                              "stakeholders", "workforce", "training", "channels", "motivations", "barriers"}
    objectives = {f"O{i}" for i in range(1, 7)}
    for name, spec in cb.blocks.items():
        assert all(spec[lang].strip() for lang in LANGS), name
        assert spec["source"] in ("questionnaire", "objective"), name
        assert spec["objective"] is None or spec["objective"] in objectives, name
    assert all(v.block in cb.blocks for v in cb.variables)
    assert sum(len(cb.block(b)) for b in cb.blocks) == len(cb.names)
    # the COOPERATE questionnaire's blocks A-E come from the questionnaire, the rest were added
    assert [b for b in cb.blocks if cb.blocks[b]["source"] == "questionnaire" and b in cb.blocks
            and any(cb[n].since == 2 for n in cb.block(b))] == [
        "awareness", "cert_status", "stakeholders", "workforce", "training"]
    # every channel names the objective it serves (the block serves several)
    assert {cb[n].objective for n in cb.block("channels")} == {"O3", "O4", "O5", "O6"}


def test_version_1_variables_are_since_1_and_new_ones_since_2():
    cb = load_codebook()
    v1 = {"profile", "practices", "certifications", "outcomes"}
    for v in cb.variables:
        assert v.since == (1 if v.block in v1 else 2), v.name
        assert not v.required or v.since == 1, v.name  # a version-1 survey must stay valid


def test_accessors_return_the_contract_variables_in_codebook_order():
    cb = load_codebook()
    assert cb.support_channels() == [f"ch_support_{k}" for k in
                                     ("association", "agency", "chamber", "union", "consortium", "research")]
    assert cb.network_channels() == ["ch_net_consortium", "ch_net_contract", "ch_net_emas"]
    assert cb.stakeholder_items() == [f"sh_{k}" for k in ("employees", "customers", "suppliers", "local_community",
                                                          "local_institutions", "unions", "trade_associations",
                                                          "banks")]
    assert cb.motivation_items() == ["mot_customer_requests", "mot_reputation", "mot_regulation", "mot_cost_savings"]
    assert cb.barrier_items() == ["bar_costs", "bar_resources_expertise", "bar_tool_knowledge",
                                  "bar_uncertain_results"]
    assert cb.cert_status_items() == {f"cst_{c[5:]}": c for c in cb.certifications(None)}
    with pytest.raises(KeyError, match="unknown block"):
        cb.block("nope")


def test_answer_scales_label_every_code_of_their_variables_in_both_languages():
    cb = load_codebook()
    assert cb.answer_scales["change"] == cb.likert_labels
    for v in cb.variables:
        if v.type == "likert":
            assert v.answer_scale in cb.answer_scales, v.name
        if v.answer_scale is None:
            continue
        codes = set(cb.answer_scales[v.answer_scale])
        expected = set(range(int(v.min), int(v.max) + 1)) if v.type == "likert" else set(v.values)
        assert codes == expected, v.name
        for lang in LANGS:
            labels = cb.answer_labels(v.name, lang)
            assert len(set(labels.values())) == len(labels), v.name
    assert cb.answer_labels("cst_iso14001", "it") == {1: "posseduta", 2: "in programma", 3: "non di interesse"}
    assert cb.answer_labels("ch_informal_exchange") == {1: "never", 2: "rarely", 3: "sometimes", 4: "often"}


def test_missing_codes_of_new_variables_follow_the_contract():
    cb = load_codebook()
    for name in cb.since(2):
        v = cb[name]
        assert v.missing_codes == ((-1, 999) if v.type in ("integer", "number") else (9,)), name


def test_italian_labels_use_the_italian_terms():
    cb = load_codebook()
    it = {n: cb.label(n, "it") for n in cb.since(2)}
    assert "associazione di categoria" in it["ch_association_member"]
    assert "contratto di rete" in it["ch_net_contract"]
    assert "agenzia di sviluppo" in it["ch_support_agency"]
    assert "camera di commercio" in it["ch_support_chamber"]
    assert "centro di ricerca" in it["ch_support_research"]
    assert cb.label("channels", "it").startswith("Canali")


def test_the_raw_readme_documents_every_block_and_every_version_2_variable():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The codebook's variables")[1].split("\n## ")[0]
    cb = load_codebook()
    for block, spec in cb.blocks.items():
        assert f"| `{block}`" in section, block
    for name in cb.since(2):
        if name.startswith(("cst_",)):
            continue  # documented as cst_<certificate>
        assert f"`{name}`" in section, name
    for objective in ("O1", "O2", "O3", "O4", "O5", "O6"):
        assert objective in section
    assert "since 2009" in section and "absent_blocks" in section and "survey_version" in section


def test_the_package_yaml_files_load_as_the_pure_python_safe_loader_loads_them():
    """`package_yaml` (libyaml's C loader where present) gives every packaged YAML file the same objects as
    `yaml.safe_load`; and in this environment it is the C loader (the speed it is there for)."""
    import yaml

    package = Path(codebook_module.__file__).resolve().parents[1]
    files = sorted(package.rglob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert package_yaml(text) == yaml.safe_load(text), path.name
    assert yaml.__with_libyaml__
