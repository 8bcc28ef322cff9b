export default function SharedTakeNotFound() {
  return (
    <div className="py-24 text-center">
      <h1 className="text-2xl font-semibold">This take is not shared</h1>
      <p className="mt-2 text-muted">The link may have been revoked, or the take deleted.</p>
    </div>
  )
}
