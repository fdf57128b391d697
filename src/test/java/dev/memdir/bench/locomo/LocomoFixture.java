package dev.memdir.bench.locomo;

/**
 * A small dataset in LoCoMo's schema, written by the project (not taken from LoCoMo), with the
 * schema's quirks: a date key without a session, an image caption, a numeric answer, a category 5
 * item with only an adversarial answer, and malformed, padded and dangling evidence ids.
 */
final class LocomoFixture {
  private LocomoFixture() {}

  static final String JSON =
      """
      [
        {
          "sample_id": "fx-1",
          "conversation": {
            "speaker_a": "Ines",
            "speaker_b": "Marek",
            "session_1_date_time": "9:15 am on 3 March, 2024",
            "session_1": [
              {"speaker": "Ines", "dia_id": "D1:1", "text": "I finally repaired the old sailing boat."},
              {"speaker": "Marek", "dia_id": "D1:2", "text": "Great! Where will you take it first?"},
              {"speaker": "Ines", "dia_id": "D1:3", "text": "To the lake near Olsztyn, next weekend.",
               "img_url": ["http://example.invalid/x.jpg"], "blip_caption": "a photo of a small white boat"}
            ],
            "session_2_date_time": "6:40 pm on 17 March, 2024",
            "session_2": [
              {"speaker": "Marek", "dia_id": "D2:1", "text": "How was the lake trip?"},
              {"speaker": "Ines", "dia_id": "D2:2", "text": "Windy, but we sailed for 3 hours."}
            ],
            "session_3_date_time": "1:00 pm on 1 April, 2024"
          },
          "qa": [
            {"question": "Where did Ines take the boat?", "answer": "the lake near Olsztyn", "evidence": ["D1:3"], "category": 4},
            {"question": "How many hours did Ines sail?", "answer": 3, "evidence": ["D2:02"], "category": 4},
            {"question": "When did Ines repair the boat?", "answer": "March 2024", "evidence": ["D1:1; D2:2"], "category": 2},
            {"question": "What did Marek repair?", "adversarial_answer": "a boat", "evidence": ["D1:1"], "category": 5},
            {"question": "What does Ines like?", "answer": "sailing, lakes", "evidence": ["D1:1", "D", "D9:9"], "category": 1},
            {"question": "Would Ines enjoy a regatta?", "answer": "Likely yes; she sails", "evidence": [], "category": 3}
          ],
          "event_summary": {}, "observation": {}, "session_summary": {}
        },
        {
          "sample_id": "fx-2",
          "conversation": {
            "speaker_a": "Tomo",
            "speaker_b": "Lale",
            "session_1_date_time": "8:05 pm on 20 June, 2023",
            "session_1": [
              {"speaker": "Tomo", "dia_id": "D1:1", "text": "I started learning the cello this month."},
              {"speaker": "Lale", "dia_id": "D1:2", "text": "Lovely. I adopted a puppy called Miso."}
            ]
          },
          "qa": [
            {"question": "What instrument did Tomo start learning?", "answer": "cello", "evidence": ["D1:1"], "category": 4},
            {"question": "What is the name of Lale's puppy?", "answer": "Miso", "evidence": ["D1:2"], "category": 4}
          ]
        }
      ]
      """;
}
