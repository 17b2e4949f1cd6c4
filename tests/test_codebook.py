from cooperate_analysis.data.codebook import LANGS, TYPES, load_codebook


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
