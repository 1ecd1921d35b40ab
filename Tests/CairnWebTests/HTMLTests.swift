import Testing

@testable import CairnWeb

@Suite struct HTMLTests {
    @Test func escapesMarkupCharacters() {
        #expect(
            HTML.escape("<script>alert('x') & \"y\"</script>")
                == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    }
}
