"""The workbook: what the cards ask a person to make (voices and word clouds, the relationship
map, lists and memos), kept beside the review log. The model here has no Textual import."""
